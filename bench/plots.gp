# SPDX-License-Identifier: BSD-3-Clause
# Plots of a smsfw-bench run: gnuplot -e "dir='OUT'" bench/plots.gp
# reads OUT/{scaling,rules,reload,latency}.dat and writes OUT/*.png.
if (!exists("dir")) dir = "bench-out"
set terminal png size 800,500
set grid
set key left top

set output dir."/scaling.png"
set title "smsfw full path: throughput against lcores"
set xlabel "lcores"
set ylabel "SMS per second"
set xtics 1
set yrange [0:*]
plot dir."/scaling.dat" using 1:2 with linespoints lw 2 title "association-hash partition", \
     dir."/scaling.dat" using 1:($3 > 0 ? $3 : 1/0) with linespoints lw 2 title "with causal replay gate (--gated)", \
     dir."/scaling.dat" using 1:4 with lines dt 2 title "linear"

set output dir."/rules.png"
set title "smsfw full path: throughput against rule count"
set xlabel "rules"
set ylabel "SMS (texts) per second"
set logscale x
set xtics auto
plot dir."/rules.dat" using 1:2 with linespoints lw 2 title "full path, 1 lcore", \
     dir."/rules.dat" using 1:3 with linespoints lw 2 title "raw hs_scan of the texts"
unset logscale x

set output dir."/reload.png"
set title "reload under load: packets per 10 ms window (reloads marked)"
set xlabel "ms since the start"
set ylabel "packets per second"
set key right bottom
set xrange [0:*]
set yrange [0:*]
plot dir."/reload.dat" using 1:2 with lines title "full path, 1 lcore", \
     dir."/reload_marks.dat" using 1:2 with impulses lw 2 title "reload"
set autoscale

set output dir."/latency.png"
set title "per-packet RX to TX latency (full path, full load)"
set xlabel "microseconds"
set ylabel "fraction of packets at or below"
set logscale x
set yrange [0:1]
set key right bottom
plot dir."/latency.dat" using 1:2 with steps lw 2 title "CDF"
