package dev.mailkit.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An SVG line chart of sync time against folder size (both axes logarithmic), one line per contender and scenario. */
final class Chart {

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

    private Chart() {
    }

    static String svg(List<Result> results) {
        Map<String, List<Result>> lines = new LinkedHashMap<>();
        for (Result r : results) {
            if (r.suite().equals("imap") && (r.scenario().equals("initial mirror") || r.scenario().equals("incremental: no change"))) {
                lines.computeIfAbsent(r.contender() + ", " + r.scenario(), k -> new ArrayList<>()).add(r);
            }
        }
        double minX = Double.MAX_VALUE;
        double maxX = 0;
        double minY = Double.MAX_VALUE;
        double maxY = 0;
        for (List<Result> l : lines.values()) {
            for (Result r : l) {
                minX = Math.min(minX, r.size());
                maxX = Math.max(maxX, r.size());
                minY = Math.min(minY, Math.max(1, r.millis()));
                maxY = Math.max(maxY, r.millis());
            }
        }
        if (lines.isEmpty()) {
            return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>\n";
        }
        double x0 = Math.log10(minX) - 0.1;
        double x1 = Math.log10(Math.max(maxX, minX * 10)) + 0.1;
        double y0 = Math.floor(Math.log10(minY));
        double y1 = Math.ceil(Math.log10(maxY));
        int w = 760;
        int h = 440;
        int left = 70;
        int bottom = 50;
        int top = 20;
        int right = 250;
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n"
                        + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", w, h));
        double pw = w - left - right;
        double ph = h - top - bottom;
        for (double y = y0; y <= y1; y++) {
            double py = top + ph - (y - y0) / (y1 - y0) * ph;
            b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", left, py, left + pw, py, left - 6, py + 4,
                    y < 3 ? String.format("%.0f ms", Math.pow(10, y)) : String.format("%.0f s", Math.pow(10, y - 3))));
        }
        for (double x = Math.ceil(x0); x <= x1; x++) {
            double px = left + (x - x0) / (x1 - x0) * pw;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%,.0f</text>%n", px, top, px, top + ph, px,
                    top + ph + 16, Math.pow(10, x)));
        }
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">messages in the folder</text>%n",
                left + pw / 2, h - 10));
        int i = 0;
        for (Map.Entry<String, List<Result>> e : lines.entrySet()) {
            String color = COLORS[i % COLORS.length];
            String dash = e.getKey().contains("no change") ? " stroke-dasharray=\"6 4\"" : "";
            StringBuilder points = new StringBuilder();
            for (Result r : e.getValue()) {
                double px = left + (Math.log10(r.size()) - x0) / (x1 - x0) * pw;
                double py = top + ph - (Math.log10(Math.max(1, r.millis())) - y0) / (y1 - y0) * ph;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n", px, py, color));
            }
            b.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>%n",
                    points.toString().trim(), color, dash));
            double ly = top + 14 + i * 18;
            b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"%s/>"
                    + "<text x=\"%.1f\" y=\"%.1f\">%s</text>%n", left + pw + 12, ly, left + pw + 36, ly, color, dash,
                    left + pw + 42, ly + 4, e.getKey()));
            i++;
        }
        return b.append("</svg>\n").toString();
    }
}
