package org.bedside.sim.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Replays a PhysioNet BIDMC "Numerics" recording (ICU patients, 1 Hz, 8 minutes; see {@code bidmc/SOURCE.txt} for
 * the source and the ODC-By 1.0 licence): its PULSE column as the pulse rate and its SpO2 column as SpO2. A NaN in the
 * recording (parameter invalid or sensor off) is an absent value, so the device shows dashes for it. The recording has
 * no perfusion index, Rainbow or PVI values, so those fields are dashes too: nothing is invented. HR (from the ECG) and
 * RESP are not on a pulse oximeter's line and are ignored.
 *
 * <p>When the recording ends it starts again from its first row: second 481 of an 8-minute recording is row 0.
 */
final class BidmcScenario implements Scenario {
    static final String RESOURCE_DIRECTORY = "/org/bedside/sim/bidmc/";
    private static final String PULSE_COLUMN = "PULSE";
    private static final String SPO2_COLUMN = "SpO2";

    private final String name;
    private final List<Row> rows;

    private record Row(
            @Nullable Integer pulseRate, @Nullable Integer spo2) {}

    private BidmcScenario(String name, List<Row> rows) {
        this.name = name;
        this.rows = rows;
    }

    static String resourceName(int recording) {
        return RESOURCE_DIRECTORY + String.format(Locale.ROOT, "bidmc_%02d_Numerics.csv", recording);
    }

    static boolean exists(int recording) {
        return BidmcScenario.class.getResource(resourceName(recording)) != null;
    }

    /**
     * @throws IllegalArgumentException when there is no such recording
     */
    static BidmcScenario load(int recording) {
        String resource = resourceName(recording);
        String name = String.format(Locale.ROOT, "%s:%02d", Scenarios.BIDMC, recording);
        try (InputStream in = BidmcScenario.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no BIDMC recording " + name);
            }
            return new BidmcScenario(name, parse(name, in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static List<Row> parse(String name, InputStream in) throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
        String header = reader.readLine();
        if (header == null) {
            throw new IllegalStateException(name + " is empty");
        }
        List<String> columns =
                List.of(header.split(",")).stream().map(String::trim).toList();
        int pulse = columns.indexOf(PULSE_COLUMN);
        int spo2 = columns.indexOf(SPO2_COLUMN);
        if (pulse < 0 || spo2 < 0) {
            throw new IllegalStateException(
                    name + " has no " + PULSE_COLUMN + " or " + SPO2_COLUMN + " column: " + header);
        }
        List<Row> rows = new ArrayList<>();
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",");
            rows.add(new Row(value(cells[pulse]), value(cells[spo2])));
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException(name + " has no rows");
        }
        return List.copyOf(rows);
    }

    private static @Nullable Integer value(String cell) {
        double v = Double.parseDouble(cell.trim()); // "NaN" parses to NaN
        return Double.isNaN(v) ? null : (int) Math.round(v);
    }

    @Override
    public String name() {
        return name;
    }

    /** Rows in the recording, one per second. */
    int length() {
        return rows.size();
    }

    @Override
    public VitalSigns at(long second) {
        NormalAdult.checkSecond(second);
        Row row = rows.get((int) (second % rows.size()));
        return VitalSigns.builder().spo2(row.spo2()).pulseRate(row.pulseRate()).build();
    }
}
