package io.hpsearch.cli.cluster;

import java.util.List;

/**
 * Rows of cells as aligned text for a terminal (columns two spaces apart, a rule under the header)
 * or as a Markdown pipe table. Words are left-aligned, numbers right-aligned, as the caller says
 * per column; the header is always left-aligned.
 */
final class TextTable {
    private TextTable() {
    }

    /**
     * @param header column names
     * @param rows   cells, each row as long as {@code header}
     * @param left   per column: left-aligned (words) rather than right-aligned (numbers)
     */
    static String render(List<String> header, List<List<String>> rows, boolean[] left, boolean markdown) {
        int n = header.size();
        if (left.length != n) throw new IllegalArgumentException(left.length + " alignments for " + n + " columns");
        int[] width = new int[n];
        for (int i = 0; i < n; i++) width[i] = header.get(i).length();
        for (List<String> r : rows) {
            if (r.size() != n) throw new IllegalArgumentException("a row of " + r.size() + " cells for " + n + " columns");
            for (int i = 0; i < n; i++) width[i] = Math.max(width[i], r.get(i).length());
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, width, left, markdown, true);
        if (markdown) {
            sb.append('|');
            for (int i = 0; i < n; i++) {
                String dashes = "-".repeat(Math.max(3, width[i]));
                sb.append(' ').append(left[i] ? dashes : dashes.substring(1) + ":").append(" |");
            }
        } else {
            int total = -2;
            for (int w : width) total += w + 2;
            sb.append("-".repeat(total));
        }
        sb.append('\n');
        for (List<String> r : rows) line(sb, r, width, left, markdown, false);
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width, boolean[] left, boolean markdown,
                             boolean header) {
        StringBuilder line = new StringBuilder(markdown ? "|" : "");
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            String pad = " ".repeat(width[i] - cell.length());
            line.append(markdown ? " " : i > 0 ? "  " : "");
            line.append(left[i] || header ? cell + pad : pad + cell);
            if (markdown) line.append(" |");
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
