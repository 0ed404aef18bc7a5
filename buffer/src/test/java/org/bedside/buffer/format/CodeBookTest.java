package org.bedside.buffer.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CodeBookTest {

    /**
     * The code book's numbers are on disk in every buffer. This list may only grow at the end: if this test fails
     * because an entry moved or changed, put it back; buffers written by earlier releases depend on it.
     */
    @Test
    void entriesNeverChangeTheirNumbers() {
        List<String> pinned = List.of(
                "1 150456 MDC_PULS_OXIM_SAT_O2 59408-5 SpO2 % %",
                "2 149530 MDC_PULS_OXIM_PULS_RATE 8889-8 Pulse rate /min /min",
                "3 150448 MDC_PULS_OXIM_PERF_REL 61006-3 Perfusion index % %",
                "4 147842 MDC_ECG_HEART_RATE 8867-4 Heart rate /min /min",
                "5 0 X_MASIMO_SPCO null SpCO % %",
                "6 0 X_MASIMO_SPMET null SpMet % %",
                "7 0 X_MASIMO_DESAT_INDEX null Desat index 1 1",
                "8 0 X_MASIMO_PI_DELTA null PI delta % %",
                "9 0 X_MASIMO_PVI null PVI % %",
                "10 150021 MDC_PRESS_BLD_NONINV_SYS 8480-6 NIBP systolic mm[Hg] mmHg",
                "11 150022 MDC_PRESS_BLD_NONINV_DIA 8462-4 NIBP diastolic mm[Hg] mmHg",
                "12 150023 MDC_PRESS_BLD_NONINV_MEAN 8478-0 NIBP mean mm[Hg] mmHg",
                "13 151562 MDC_RESP_RATE 9279-1 Respiration rate /min /min",
                "14 150344 MDC_TEMP 8310-5 Temperature Cel °C",
                "15 149514 MDC_PULS_RATE null Pulse rate /min /min");
        assertThat(CodeBook.ENTRIES).hasSize(pinned.size());
        for (int i = 0; i < pinned.size(); i++) {
            CodeBook.Entry e = CodeBook.entry(i + 1);
            String actual = (i + 1) + " " + e.metric().mdc() + " " + e.metric().refId() + " "
                    + e.metric().loinc() + " " + e.metric().label() + " "
                    + e.unit().code() + " " + e.unit().display();
            assertThat(actual).isEqualTo(pinned.get(i));
        }
    }

    @Test
    void findsEntriesByValueAsWellAsByIdentity() {
        CodeBook.Entry spco = CodeBook.entry(5);
        org.bedside.model.MetricCode copy = new org.bedside.model.MetricCode(
                spco.metric().mdc(),
                spco.metric().refId(),
                spco.metric().loinc(),
                spco.metric().label());
        assertThat(CodeBook.indexOf(copy, spco.unit())).isEqualTo(5);
        assertThat(CodeBook.indexOf(spco.metric(), org.bedside.model.UcumUnit.PER_MINUTE))
                .isZero();
        assertThat(CodeBook.entry(0)).isNull();
        assertThat(CodeBook.entry(CodeBook.ENTRIES.size() + 1)).isNull();
    }
}
