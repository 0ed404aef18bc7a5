package org.bedside.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Duration;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

class FhirUploaderTest {

    private static Bundle.BundleEntryComponent entry(Bundle b, String status, String location) {
        Bundle.BundleEntryComponent e = b.addEntry();
        e.getResponse().setStatus(status).setLocation(location).setEtag("W/\"1\"");
        return e;
    }

    @Test
    void countsCreatedAndMatchedObservationsFromTheTransactionResponseAndIgnoresTheDevice() {
        Bundle response = new Bundle().setType(Bundle.BundleType.TRANSACTIONRESPONSE);
        response.setId("ignored");
        response.addLink().setRelation("self").setUrl("http://x/fhir");
        entry(response, "201 Created", "Device/7/_history/1");
        entry(response, "201 Created", "Observation/10/_history/1");
        entry(response, "201 Created", "Observation/11/_history/1");
        entry(response, "200 OK", "Observation/3/_history/1");
        entry(response, "200 OK", "Device/7/_history/1");
        String json = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(response);

        UploadResult.Accepted a = FhirUploader.accepted(json);

        assertThat(a.created()).isEqualTo(2);
        assertThat(a.matched()).isEqualTo(1);
    }

    @Test
    void aResponseThatIsNotABundleCountsNothingButIsStillAccepted() {
        assertThat(FhirUploader.accepted("not json")).isEqualTo(new UploadResult.Accepted(0, 0));
        assertThat(FhirUploader.accepted("{\"resourceType\":\"OperationOutcome\",\"issue\":[]}"))
                .isEqualTo(new UploadResult.Accepted(0, 0));
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        assertThat(FhirUploader.parseRetryAfter("7")).contains(Duration.ofSeconds(7));
        assertThat(FhirUploader.parseRetryAfter("-1")).isEmpty();
        assertThat(FhirUploader.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"))
                .contains(Duration.ZERO);
        assertThat(FhirUploader.parseRetryAfter("soon")).isEmpty();
    }
}
