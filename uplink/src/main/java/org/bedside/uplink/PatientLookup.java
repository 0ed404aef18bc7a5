package org.bedside.uplink;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;

/**
 * Looks a patient up on the FHIR server by identifier, for a clinician at the bedside to compare with the wristband:
 * {@code GET [base]/Patient?identifier=<system>|<MRN>}, the system being the one configured for the MRN's assigning
 * authority (never a bare value), with the uplink's TLS and authorization. The answer carries the two identifiers a
 * nurse checks, the full name and the birth date: patient data for the authenticated clinician's page only, never for
 * a log (nothing here logs, and a failure's sentence names the server and the status, never the patient).
 */
public final class PatientLookup {
    private static final FhirContext FHIR = FhirContext.forR4();

    private final FhirReads reads;
    private final URI base;

    public PatientLookup(UplinkSettings settings) {
        this.reads = new FhirReads(settings);
        this.base = reads.base();
    }

    /** What the server said. */
    public sealed interface Answer {
        /**
         * Exactly one patient has the identifier.
         *
         * @param reference {@code Patient/123} on the server
         * @param name the full name as the server has it (official name first), or empty
         * @param birthDate {@code YYYY-MM-DD}, or empty when the server has none
         */
        record Found(String reference, String name, String birthDate) implements Answer {}

        /** No patient has it. */
        record NotFound() implements Answer {}

        /** More than one has it: nothing can be confirmed (the server's records need merging). */
        record Ambiguous(int count) implements Answer {}

        /** The server could not be asked, or refused: the sentence names the server and the status. */
        record Failed(String reason) implements Answer {}
    }

    public Answer find(String system, String mrn) {
        // In a URI the bar is %7C (a request line may not carry it bare), the parts URL-encoded.
        URI uri = reads.at("/Patient?identifier="
                + URLEncoder.encode(system, StandardCharsets.UTF_8) + "%7C"
                + URLEncoder.encode(mrn, StandardCharsets.UTF_8) + "&_count=2");
        try {
            HttpResponse<String> response = reads.get(uri);
            int status = response.statusCode();
            if (status < 200 || status >= 300) {
                return new Answer.Failed("HTTP " + status + " from " + base + " for the patient search");
            }
            Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, response.body());
            List<Patient> patients = bundle.getEntry().stream()
                    .map(Bundle.BundleEntryComponent::getResource)
                    .filter(Patient.class::isInstance)
                    .map(Patient.class::cast)
                    .toList();
            int total = bundle.hasTotal() ? Math.max(bundle.getTotal(), patients.size()) : patients.size();
            if (patients.isEmpty()) {
                return new Answer.NotFound();
            }
            if (total > 1 || patients.size() > 1) {
                return new Answer.Ambiguous(Math.max(total, patients.size()));
            }
            Patient p = patients.get(0);
            return new Answer.Found("Patient/" + p.getIdElement().getIdPart(), name(p), birthDate(p));
        } catch (IOException e) {
            return new Answer.Failed(
                    "cannot reach " + base + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer.Failed("interrupted");
        } catch (FhirReads.NoCredential e) {
            return new Answer.Failed(e.getMessage());
        } catch (DataFormatException e) {
            return new Answer.Failed("the answer of " + base + " to the patient search is not a FHIR Bundle");
        } catch (RuntimeException e) {
            // Its message may hold the search's URL, and with it the MRN: the class only.
            return new Answer.Failed(
                    "the patient search at " + base + " failed: " + e.getClass().getSimpleName());
        }
    }

    /** The official name (else the first), as {@code Given Given FAMILY}; its text when the server gives only that. */
    static String name(Patient p) {
        HumanName chosen = null;
        for (HumanName n : p.getName()) {
            if (n.getUse() == HumanName.NameUse.OFFICIAL) {
                chosen = n;
                break;
            }
        }
        if (chosen == null && !p.getName().isEmpty()) {
            chosen = p.getName().get(0);
        }
        if (chosen == null) {
            return "";
        }
        if (chosen.hasText()) {
            return chosen.getText();
        }
        StringBuilder b = new StringBuilder();
        chosen.getGiven().forEach(g -> b.append(g.getValue()).append(' '));
        if (chosen.hasFamily()) {
            b.append(chosen.getFamily());
        }
        return b.toString().strip();
    }

    private static String birthDate(Patient p) {
        return p.hasBirthDate() ? p.getBirthDateElement().getValueAsString() : "";
    }
}
