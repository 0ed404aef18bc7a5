package org.bedside.hl7;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The IHE PCD TF example messages of src/test/resources/ihe-pcd (see SOURCE.txt there), and small variations. */
public final class TestMessages {
    private TestMessages() {}

    /** A resource's text with its segments separated by CR and the trailing LF removed, as it travels in MLLP. */
    public static String load(String name) {
        try (InputStream in = TestMessages.class.getResourceAsStream("/ihe-pcd/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource /ihe-pcd/" + name);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return text.strip().replace("\r\n", "\r").replace('\n', '\r');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Philips PCD-01 example (TF Vol 2 E.1.1). */
    public static String philipsPcd01() {
        return load("pcd01_E1-1_philips_physiological_monitor.hl7");
    }

    /** The PCD-10 pump "delivery start" event (TF Vol 2 M.1.2.2, {@code ORU^R42^ORU_R01}). */
    public static String pumpDeliveryStartPcd10() {
        return load("pcd10_M1-2-2_infusion_delivery_start.hl7");
    }

    /** A small PCD-01 message with the given control id and acknowledgement fields (MSH-15, MSH-16). */
    public static String pcd01(String controlId, String msh15, String msh16) {
        return "MSH|^~\\&|GW^0123456789ABCDEF^EUI-64|ICU|||20261122100000+0000||ORU^R01^ORU_R01|" + controlId
                + "|P|2.6|||" + msh15 + "|" + msh16
                + "||UNICODE UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO\r"
                + "PID|||12345^^^HOSP^MR\r"
                + "PV1||I|ICU^12^1\r"
                + "OBR|1|||182777000^monitoring of patient^SCT|||20261122100000+0000\r"
                + "OBX|1||69965^MDC_DEV_MON_PHYSIO_MULTI_PARAM_MDS^MDC|1.0.0.0|||||||X|||||||0123456789ABCDEF^EUI-64\r"
                + "OBX|2|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC|1.0.0.1|97|262688^MDC_DIM_PERCENT^MDC|||||R\r";
    }
}
