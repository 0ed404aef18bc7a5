package org.bedside.alarms.eval;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bedside.model.MetricCode;
import org.bedside.model.Metrics;
import org.jspecify.annotations.Nullable;

/**
 * A numerics file in the layout of the PhysioNet BIDMC dataset: a header {@code Time [s], HR, PULSE, RESP, SpO2}, then
 * one row a second; {@code NaN} is no value (parameter invalid or sensor off).
 *
 * <pre>
 * Time [s], HR, PULSE, RESP, SpO2
 * 0,94,93,25,97
 * 1,94,93,NaN,97
 * </pre>
 *
 * @param name the file's name, as printed
 * @param columns the value columns, in file order (the time column excluded)
 * @param times each row's {@code Time [s]}
 * @param values {@code values[row][column]}; null for NaN
 */
record NumericsTable(
        String name,
        List<Column> columns,
        double[] times,
        @Nullable BigDecimal[][] values) {

    /** A value column and the metric it holds. */
    record Column(String name, MetricCode metric) {}

    static final String TIME = "Time [s]";

    /** The columns the BIDMC layout has, and what they measure. */
    static @Nullable MetricCode metricOf(String column) {
        return switch (column.strip().toUpperCase(Locale.ROOT)) {
            case "HR" -> Metrics.HEART_RATE_ECG;
            case "PULSE" -> Metrics.PULSE_RATE_OXIMETRY;
            case "RESP" -> Metrics.RESPIRATION_RATE;
            case "SPO2" -> Metrics.SPO2;
            default -> null;
        };
    }

    /**
     * Reads the text of a file.
     *
     * @throws IllegalArgumentException naming the file, line and column of what is not in the layout
     */
    static NumericsTable parse(String name, String text) {
        String[] lines = text.split("\r?\n");
        if (lines.length == 0 || lines[0].isBlank()) {
            throw new IllegalArgumentException(
                    name + ": empty; expected a header '" + TIME + ", HR, PULSE, RESP, SpO2'");
        }
        String[] header = lines[0].split(",", -1);
        if (!header[0].strip().equals(TIME)) {
            throw new IllegalArgumentException(
                    name + ":1: the first column is '" + header[0].strip() + "', expected '" + TIME + "'");
        }
        List<Column> columns = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (int i = 1; i < header.length; i++) {
            MetricCode m = metricOf(header[i]);
            if (m == null) {
                throw new IllegalArgumentException(
                        name + ":1: column '" + header[i].strip() + "' is not one of HR, PULSE, RESP, SpO2");
            }
            columns.add(new Column(header[i].strip(), m));
            at.add(i);
        }
        List<Double> times = new ArrayList<>();
        List<@Nullable BigDecimal[]> rows = new ArrayList<>();
        double previous = Double.NEGATIVE_INFINITY;
        for (int l = 1; l < lines.length; l++) {
            if (lines[l].isBlank()) {
                continue;
            }
            String[] f = lines[l].split(",", -1);
            if (f.length != header.length) {
                throw new IllegalArgumentException(
                        name + ":" + (l + 1) + ": " + f.length + " fields, the header has " + header.length);
            }
            double t;
            try {
                t = Double.parseDouble(f[0].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        name + ":" + (l + 1) + ": time '" + f[0].strip() + "' is not a number");
            }
            if (!(t > previous)) {
                throw new IllegalArgumentException(
                        name + ":" + (l + 1) + ": time " + f[0].strip() + " does not come after the previous row's");
            }
            previous = t;
            @Nullable BigDecimal[] row = new BigDecimal[columns.size()];
            for (int c = 0; c < columns.size(); c++) {
                String v = f[at.get(c)].strip();
                if (v.equalsIgnoreCase("NaN")) {
                    row[c] = null;
                } else {
                    try {
                        row[c] = new BigDecimal(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(name + ":" + (l + 1) + ": "
                                + columns.get(c).name() + " value '" + v + "' is not a number or NaN");
                    }
                }
            }
            times.add(t);
            rows.add(row);
        }
        double[] ts = new double[times.size()];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = times.get(i);
        }
        return new NumericsTable(name, List.copyOf(columns), ts, rows.toArray(new BigDecimal[0][]));
    }

    int rows() {
        return times.length;
    }
}
