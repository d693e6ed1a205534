#!/usr/bin/env Rscript
# plot_adoption.R: adoption curves with 95% confidence bands from an adoptsim file.
#
#   Rscript analysis/plot_adoption.R FILE.h5 [-o OUTPREFIX] [--observable NAME ...]
#                                    [--share] [--point I ...] [--dpi N]
#
# The R twin of analysis/plot_adoption.py (same options, same figures, same
# image sizes), with hdf5r and base graphics (Debian: r-cran-hdf5r).  Reads
# any adoptsim results file (`adoptsim run` or `adoptsim experiment`:
# variables over scenario, point, replicate, time) and draws, for each
# scenario (and sweep point), the mean over the completed replicates with a
# 95% confidence band (Student t).  Writes, as PNG and SVG:
#
#   OUTPREFIX_adoption       one panel per observable
#   OUTPREFIX_by_generation  one panel per observable and generation (if recorded)
#   OUTPREFIX_by_level       one panel per observable and level (if recorded)
#
# OUTPREFIX defaults to FILE without .h5.  Observables default to
# monthly_active, regular_users and valuable_uses (those present), or adopters
# for the bass and threshold models.  --share divides counts by the staff of
# the same group (or by the `agents` attribute).  Runs not in the file
# (completed = 0) are left out with a note on stderr.  The file of
# `adoptsim run` is one scenario, named after its scenario file.
#
# hdf5r hands arrays over in Fortran order (dimensions reversed, and those of
# size 1 dropped unless read with drop = FALSE); every array here is turned
# back to the file's order, so x[s, p, r, t, g] reads as in h5dump, Python
# and netCDF.

suppressPackageStartupMessages(library(hdf5r))

MAIN <- c("monthly_active", "regular_users", "valuable_uses")
FALLBACK <- c("adopters")
PANEL_W <- 4.0
PANEL_H <- 3.2
SWEEP_MAX <- 4
COLORS <- c("#000000", "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#0072B2",
            "#CC79A7", "#F0E442", "#999999")

note <- function(...) cat("plot_adoption.R: ", ..., "\n", sep = "", file = stderr())
die <- function(...) {
    note(...)
    quit(status = 2)
}

usage <- function() {
    cat("usage: Rscript analysis/plot_adoption.R FILE.h5 [-o OUTPREFIX] [--observable NAME ...]\n",
        "                                        [--share] [--point I ...] [--dpi N]\n", sep = "")
}

parse_args <- function(argv) {
    a <- list(file = NULL, output = NULL, observable = NULL, share = FALSE, point = NULL, dpi = 100)
    i <- 1
    many <- function() {  # values up to the next option
        j <- i + 1
        while (j <= length(argv) && !startsWith(argv[j], "-")) j <- j + 1
        if (j == i + 1) die(argv[i], " needs a value")
        v <- argv[(i + 1):(j - 1)]
        i <<- j
        v
    }
    while (i <= length(argv)) {
        arg <- argv[i]
        if (arg %in% c("-h", "--help")) {
            usage()
            quit(status = 0)
        } else if (arg %in% c("-o", "--output")) {
            a$output <- many()[1]
        } else if (arg == "--observable") {
            a$observable <- many()
        } else if (arg == "--point") {
            a$point <- as.integer(many())
        } else if (arg == "--dpi") {
            a$dpi <- as.integer(many()[1])
        } else if (arg == "--share") {
            a$share <- TRUE
            i <- i + 1
        } else if (startsWith(arg, "-")) {
            usage()
            die("unknown option ", arg)
        } else {
            if (!is.null(a$file)) die("one file at a time")
            a$file <- arg
            i <- i + 1
        }
    }
    if (is.null(a$file)) {
        usage()
        quit(status = 2)
    }
    a
}

# --- reading -------------------------------------------------------------

c_order <- function(x) {
    d <- dim(x)
    if (inherits(x, "integer64")) x <- bit64::as.double.integer64(x)
    x <- as.double(x)
    if (length(d) > 1) {
        dim(x) <- d
        x <- aperm(x, rev(seq_along(d)))
    } else if (!is.null(d)) {
        dim(x) <- d
    }
    x
}

dim_names <- function(f, ds) {
    if (!("DIMENSION_LIST" %in% h5attr_names(ds))) return(NULL)
    sapply(h5attr(ds, "DIMENSION_LIST"), function(r) {
        sub(".*/", "", r$dereference(obj = f)[[1]]$get_obj_name())
    })
}

open_results <- function(path) {
    f <- tryCatch(H5File$new(path, mode = "r"), error = function(e) die(path, ": ", conditionMessage(e)))
    res <- list(f = f, path = path)
    res$model <- if ("model" %in% h5attr_names(f)) h5attr(f, "model") else "?"
    for (n in c("scenario", "point", "completed", "time"))
        if (!f$exists(n)) die(path, ": no ", n, " variable: not an adoptsim results file")
    res$scenarios <- as.character(f[["scenario"]]$read())
    res$npoints <- f[["point"]]$dims
    res$baseline <- if ("baseline" %in% h5attr_names(f)) h5attr(f, "baseline") else res$scenarios[1]
    res$sweep <- list()
    skip <- c("point", "scenario", "replicate", "time", "generation", "level", "completed", "agent")
    for (n in setdiff(names(f), skip)) {
        obj <- f[[n]]
        if (!inherits(obj, "H5D") || length(obj$dims) != 1) next
        dn <- dim_names(f, obj)
        if (!is.null(dn) && dn[1] == "point") res$sweep[[n]] <- obj$read()
    }
    res$time <- as.double(f[["time"]]$read())
    res$groups <- list()
    for (g in c("generation", "level")) if (f$exists(g)) res$groups[[g]] <- as.character(f[[g]]$read())
    res
}

has <- function(res, name) res$f$exists(name)

load_var <- function(res, name) {
    ds <- res$f[[name]]
    x <- c_order(ds$read(drop = FALSE))
    if ("_FillValue" %in% h5attr_names(ds)) {
        fill <- as.double(h5attr(ds, "_FillValue"))
        if (!is.nan(fill)) x[x == fill] <- NaN
    }
    dn <- dim_names(res$f, ds)
    if (!identical(dn[1:2], c("scenario", "point")))
        die(name, ": expected dimensions (scenario, point, ...), found ", paste(dn, collapse = ", "))
    x
}

var_attr <- function(res, name, key) {
    ds <- res$f[[name]]
    if (key %in% h5attr_names(ds)) as.character(h5attr(ds, key)) else ""
}

point_label <- function(res, p) {
    if (length(res$sweep) == 0) return(sprintf("point %d", p - 1))
    parts <- mapply(function(k, v) {
        short <- paste(tail(strsplit(k, ".", fixed = TRUE)[[1]], 2), collapse = ".")
        sprintf("%s=%s", short, if (is.numeric(v)) format(v[p]) else v[p])
    }, names(res$sweep), res$sweep)
    paste(parts, collapse = ", ")
}

# --- what to draw --------------------------------------------------------

choose_points <- function(res, asked) {
    if (!is.null(asked)) {
        bad <- asked[asked < 0 | asked >= res$npoints]
        if (length(bad)) die("--point ", bad[1], ": the file has points 0..", res$npoints - 1)
        return(asked + 1L)
    }
    if (res$npoints <= SWEEP_MAX) return(seq_len(res$npoints))
    note(res$npoints, " sweep points: plotting point 0 (", point_label(res, 1),
         "); choose others with --point")
    1L
}

make_curves <- function(res, points) {
    s_order <- order(res$scenarios != res$baseline)  # the baseline first, else file order
    out <- list()
    for (s in s_order) for (p in points) {
        label <- if (length(points) == 1 && res$npoints == 1) res$scenarios[s]
                 else if (length(res$scenarios) == 1) point_label(res, p)
                 else paste0(res$scenarios[s], ", ", point_label(res, p))
        out[[length(out) + 1]] <- list(s = s, p = p, label = label)
    }
    out
}

run_mask <- function(res, names) {
    done <- c_order(res$f[["completed"]]$read(drop = FALSE)) == 1
    filled <- array(TRUE, dim(done))
    for (n in names) for (suffix in c("", "_by_generation", "_by_level")) {
        if (!has(res, paste0(n, suffix))) next
        x <- load_var(res, paste0(n, suffix))
        filled <- filled & !apply(is.na(x), 1:3, any)
    }
    use <- done & filled
    if (!all(use)) {
        skipped <- character(0)
        for (s in seq_len(dim(use)[1])) for (p in seq_len(dim(use)[2])) {
            r <- which(!use[s, p, ])
            if (!length(r)) next
            where <- res$scenarios[s]
            if (res$npoints > 1) where <- paste(where, point_label(res, p))
            skipped <- c(skipped, sprintf("%s replicate%s %s", where, if (length(r) > 1) "s" else "",
                                          paste(r - 1, collapse = ",")))
        }
        odd <- sum(done & !filled)
        note(sprintf("skipping %d of %d runs not completed: %s%s", sum(!use), length(use),
                     paste(skipped, collapse = "; "),
                     if (odd) sprintf(" (%d marked completed but holding fill values)", odd) else ""))
    }
    if (!any(use)) die(res$path, ": no completed run to plot")
    use
}

series <- function(res, name, share) {
    x <- load_var(res, name)
    units <- var_attr(res, name, "units")
    if (share && units == "agents") {
        base <- sub("_by_.*$", "", name)
        suffix <- substring(name, nchar(base) + 1)
        if (has(res, paste0("staff", suffix))) {
            x <- x / load_var(res, paste0("staff", suffix))
            units <- "share of staff"
        } else if ("agents" %in% h5attr_names(res$f)) {
            x <- x / as.double(h5attr(res$f, "agents"))
            units <- "share of agents"
        } else {
            die("--share: no staff variable or agents attribute to divide ", name, " by")
        }
    }
    list(x = x, units = if (units == "1") "" else units)
}

# runs: matrix (n runs, T); mean and t band over the runs
band <- function(runs) {
    n <- nrow(runs)
    m <- colMeans(runs)
    if (n < 2) return(list(mean = m, lo = m, hi = m, n = n))
    half <- qt(0.975, n - 1) * apply(runs, 2, sd) / sqrt(n)
    list(mean = m, lo = m - half, hi = m + half, n = n)
}

# the corner of the panel the fewest mean points fall in (base R has no "best")
emptiest_corner <- function(t, bands, ylim) {
    xr <- (t - min(t)) / max(diff(range(t)), 1e-12)
    y <- unlist(lapply(bands, function(b) b$mean))
    x <- rep(xr, length.out = length(y))
    y <- (y - ylim[1]) / diff(ylim)
    ok <- is.finite(y)
    x <- x[ok]
    y <- y[ok]
    count <- c(topleft = sum(x < 0.5 & y > 0.6), topright = sum(x > 0.5 & y > 0.6),
               bottomright = sum(x > 0.5 & y < 0.4), bottomleft = sum(x < 0.5 & y < 0.4))
    names(count)[which.min(count)]
}

# x: (S, P, R, T) array; one curve per (scenario, point)
draw_panel <- function(t, x, use, curves, title, ylab, xlab, legend_here) {
    bands <- lapply(curves, function(cv) {
        runs <- x[cv$s, cv$p, , , drop = TRUE]
        if (is.null(dim(runs))) runs <- matrix(runs, nrow = 1)
        runs <- runs[use[cv$s, cv$p, ], , drop = FALSE]
        if (nrow(runs) == 0) NULL else band(runs)
    })
    ys <- unlist(lapply(bands, function(b) c(b$lo, b$hi)))
    ys <- ys[is.finite(ys)]
    ylim <- if (length(ys)) range(ys) else c(0, 1)
    if (diff(ylim) == 0) ylim <- ylim + c(-0.5, 0.5)
    plot(NA, xlim = range(t), ylim = ylim, main = title, xlab = xlab, ylab = ylab,
         cex.main = 0.9, font.main = 1, las = 1)
    grid(col = "grey90", lty = 1)
    labels <- character(0)
    cols <- character(0)
    for (i in seq_along(curves)) {
        b <- bands[[i]]
        if (is.null(b)) next
        col <- COLORS[(i - 1) %% length(COLORS) + 1]
        ok <- is.finite(b$lo) & is.finite(b$hi)
        polygon(c(t[ok], rev(t[ok])), c(b$lo[ok], rev(b$hi[ok])),
                col = adjustcolor(col, alpha.f = 0.2), border = NA)
        lines(t, b$mean, col = col, lwd = 1.5)
        labels <- c(labels, sprintf("%s (n=%d)", curves[[i]]$label, b$n))
        cols <- c(cols, col)
    }
    if (legend_here && length(labels))
        legend(emptiest_corner(t, bands, ylim), legend = labels, col = cols, lwd = 1.5, cex = 0.6, bg = "#FFFFFFCC",
               box.col = "grey80")
}

# draws with fun() into OUTPREFIX_suffix.png and .svg of the given size in inches
save_both <- function(prefix, suffix, w, h, dpi, fun) {
    png_path <- sprintf("%s_%s.png", prefix, suffix)
    svg_path <- sprintf("%s_%s.svg", prefix, suffix)
    type <- if (capabilities("cairo")) "cairo" else NULL
    if (is.null(type)) png(png_path, width = round(w * dpi), height = round(h * dpi), res = dpi)
    else png(png_path, width = round(w * dpi), height = round(h * dpi), res = dpi, type = type)
    fun()
    invisible(dev.off())
    svg(svg_path, width = w, height = h)
    fun()
    invisible(dev.off())
    cat("plot_adoption.R: wrote ", png_path, " ", svg_path, "\n", sep = "")
}

main <- function() {
    a <- parse_args(commandArgs(trailingOnly = TRUE))
    res <- open_results(a$file)
    prefix <- if (is.null(a$output)) sub("\\.h5$", "", a$file) else a$output
    all <- names(res$f)
    obs <- if (!is.null(a$observable)) a$observable else {
        m <- MAIN[MAIN %in% all]
        if (length(m)) m else FALLBACK[FALLBACK %in% all]
    }
    if (!length(obs)) die(a$file, ": none of ", paste(c(MAIN, FALLBACK), collapse = ", "),
                          " found; pass --observable")
    for (n in obs) if (!(n %in% all)) die(a$file, ": no variable ", n)
    t <- res$time
    use <- run_mask(res, obs)
    curves <- make_curves(res, choose_points(res, a$point))
    for (cv in curves) if (!any(use[cv$s, cv$p, ])) note(cv$label, ": no completed replicate, not drawn")
    what <- sprintf("mean and 95%% CI over replicates; %s model, %s", res$model, basename(a$file))

    ncol <- min(length(obs), 3)
    nrow <- ceiling(length(obs) / 3)
    data <- lapply(obs, function(n) series(res, n, a$share))
    save_both(prefix, "adoption", PANEL_W * ncol, PANEL_H * nrow, a$dpi, function() {
        par(mfrow = c(nrow, ncol), oma = c(0, 0, 1.5, 0), mar = c(3.5, 4.5, 2, 1), mgp = c(2.2, 0.7, 0), cex = 0.8)
        for (i in seq_along(obs))
            draw_panel(t, data[[i]]$x, use, curves, obs[i], data[[i]]$units, "day", i == 1)
        mtext(what, outer = TRUE, cex = 0.7)
    })

    for (group in c("generation", "level")) {
        grouped <- obs[paste0(obs, "_by_", group) %in% all]
        if (!length(grouped) || is.null(res$groups[[group]])) {
            note("no ", group, " breakdown of ", paste(obs, collapse = ", "), " in ", a$file,
                 ": no by_", group, " figure")
            next
        }
        labels <- res$groups[[group]]
        ncol <- length(labels)
        nrow <- length(grouped)
        gdata <- lapply(grouped, function(n) series(res, paste0(n, "_by_", group), a$share))
        save_both(prefix, paste0("by_", group), PANEL_W * 0.75 * ncol, PANEL_H * 0.8 * nrow, a$dpi,
                  function() {
            par(mfrow = c(nrow, ncol), oma = c(0, 0, 1.5, 0), mar = c(3.5, 4.5, 2, 1), mgp = c(2.2, 0.7, 0), cex = 0.7)
            for (r in seq_along(grouped)) for (c in seq_along(labels)) {
                x <- gdata[[r]]$x
                xg <- x[, , , , c, drop = FALSE]
                dim(xg) <- dim(x)[1:4]
                title <- if (group == "level") sprintf("%s, level %s", grouped[r], labels[c])
                         else sprintf("%s, %s", grouped[r], labels[c])
                draw_panel(t, xg, use, curves, title, if (c == 1) gdata[[r]]$units else "",
                           if (r == nrow) "day" else "", r == 1 && c == 1)
            }
            mtext(paste0("by ", group, ": ", what), outer = TRUE, cex = 0.7)
        })
    }
}

main()
