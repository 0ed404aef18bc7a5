package org.bedside.hl7;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.parser.EncodingNotSupportedException;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.preparser.PreParser;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Turns the bytes of one HL7 v2 message into a HAPI {@link Message}, or into an {@link Hl7Failure} that names what was
 * wrong. Thread-safe: one instance can serve every connection of a listener.
 *
 * <p>How HAPI is set up, and why:
 *
 * <ul>
 *   <li><b>Every version is read with the v2.6 structures</b> ({@link PcdModelClassFactory}, a HAPI
 *       {@code CanonicalModelClassFactory}): PCD messages are v2.6, and hospital ADT feeds send 2.3 to 2.5, which the
 *       v2.6 structures read (HAPI's recommended way of taking several versions with one structure library).
 *       {@code ORU_R40} and {@code ORA_R41} (PCD-04, PCD-05), which v2.6 does not define, are read with the {@code
 *       ORU_R01} structure they share.
 *   <li><b>HAPI's validation is off.</b> Its default rules reject a whole message for one odd primitive; instead the
 *       mappers check each field they use and say which field was wrong ({@code OBX[4]-5 '1x7' is not a number}).
 *   <li><b>No file is written:</b> HAPI's default id generator keeps a counter file in the working directory; this
 *       one counts in memory (acknowledgements get their own control ids anyway).
 *   <li><b>The character set is the one MSH-18 declares</b> (HL7 table 0211), decoded strictly: bytes invalid in it
 *       are {@link FailureReason#BAD_CHARACTERS}, an unknown MSH-18 is {@link FailureReason#UNKNOWN_CHARSET}. An empty
 *       MSH-18 means ASCII; as many senders then send UTF-8 anyway, UTF-8 is tried and ISO 8859-1 (which accepts any
 *       byte) taken when the bytes are not UTF-8.
 * </ul>
 */
public final class Hl7Parser {
    private final HapiContext context;
    private final PipeParser parser;

    /** The text of a message and the character set it was decoded with (the acknowledgement uses the same). */
    public record DecodedText(String text, Charset charset) {}

    /** A message HAPI parsed, with its header read. */
    public record Parsed(Message message, MessageHeader header, Charset charset) {}

    public Hl7Parser() {
        context = newContext();
        parser = context.getPipeParser();
    }

    /** A HAPI context set up as this class describes, for code that builds messages or runs HAPI's own peers. */
    public static HapiContext newContext() {
        HapiContext c = new DefaultHapiContext(new PcdModelClassFactory());
        c.setValidationContext(ValidationContextFactory.noValidation());
        c.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
        return c;
    }

    public HapiContext context() {
        return context;
    }

    public PipeParser pipeParser() {
        return parser;
    }

    /** Decodes and parses one message's bytes (as an MLLP frame holds them). Never throws. */
    public Hl7Result<Parsed> parse(ByteBuffer bytes) {
        Hl7Result<DecodedText> text = decode(bytes);
        if (text instanceof Hl7Result.Failed<DecodedText> f) {
            return Hl7Result.failed(f.failure());
        }
        DecodedText decoded = text.value();
        return parse(decoded.text(), decoded.charset());
    }

    /** Parses one message's text. Never throws. */
    public Hl7Result<Parsed> parse(String text, Charset charset) {
        if (!text.startsWith("MSH")) {
            return Hl7Result.failed(Hl7Failure.at(
                    FailureReason.NOT_HL7,
                    Hl7Location.segment("MSH"),
                    "the message does not start with an MSH segment"));
        }
        if (text.length() < 8) {
            return Hl7Result.failed(Hl7Failure.at(
                    FailureReason.BAD_ENCODING_CHARACTERS,
                    Hl7Location.field("MSH", 2),
                    "the MSH segment ends before its encoding characters"));
        }
        Optional<Hl7Failure> delimiters = checkDelimiters(text.substring(3, 8));
        if (delimiters.isPresent()) {
            return Hl7Result.failed(delimiters.get());
        }
        Message message;
        try {
            message = parser.parse(text);
        } catch (EncodingNotSupportedException e) {
            return Hl7Result.failed(Hl7Failure.at(
                    FailureReason.BAD_ENCODING_CHARACTERS,
                    Hl7Location.field("MSH", 2),
                    "HAPI could not determine the message's encoding from its MSH segment"));
        } catch (HL7Exception e) {
            // HAPI's messages may quote the message's first characters: they go back to the sender only, in ERR.
            return Hl7Result.failed(
                    Hl7Failure.of(FailureReason.UNPARSEABLE, "HAPI could not parse the message: " + hapiReason(e)));
        } catch (RuntimeException e) {
            return Hl7Result.failed(Hl7Failure.of(
                    FailureReason.UNPARSEABLE,
                    "HAPI could not parse the message: " + e.getClass().getSimpleName()));
        }
        try {
            MessageHeader header = MessageHeader.of((Segment) message.get("MSH"));
            if (header.controlId().isEmpty()) {
                return Hl7Result.failed(Hl7Failure.at(
                        FailureReason.MISSING_CONTROL_ID,
                        Hl7Location.field("MSH", 10),
                        "MSH-10 (message control id) is empty: no acknowledgement could be matched to the message"));
            }
            return Hl7Result.ok(new Parsed(message, header, charset));
        } catch (HL7Exception | RuntimeException e) {
            return Hl7Result.failed(Hl7Failure.at(
                    FailureReason.UNPARSEABLE, Hl7Location.segment("MSH"), "the MSH segment could not be read"));
        }
    }

    /**
     * MSH-1 and MSH-2 must be five different characters (field, component, repetition, escape, subcomponent
     * separators): HAPI takes {@code ^^\&} and then splits components and repetitions alike.
     */
    private static Optional<Hl7Failure> checkDelimiters(String delimiters) {
        Set<Character> seen = new HashSet<>();
        for (int i = 0; i < delimiters.length(); i++) {
            char c = delimiters.charAt(i);
            if (Character.isLetterOrDigit(c) || Character.isWhitespace(c) || !seen.add(c)) {
                return Optional.of(Hl7Failure.at(
                        FailureReason.BAD_ENCODING_CHARACTERS,
                        Hl7Location.field("MSH", 2),
                        "MSH-1 and MSH-2 must be five distinct delimiter characters, such as |^~\\&; got '" + delimiters
                                + "'"));
            }
        }
        return Optional.empty();
    }

    /** HAPI's reason without the message text it sometimes quotes, cut to a length an ERR segment carries. */
    static String hapiReason(HL7Exception e) {
        String m = e.getMessageWithoutLocation();
        int quote = m.indexOf(": ");
        if (m.startsWith("Determine encoding") || m.startsWith("Couldn't find MSH")) {
            m = quote > 0 ? m.substring(0, quote) : m;
        }
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    /** The text of a message in the character set its MSH-18 declares. Never throws. */
    public static Hl7Result<DecodedText> decode(ByteBuffer bytes) {
        ByteBuffer view = bytes.duplicate();
        // Every HL7 character set in use here is ASCII-compatible in the MSH segment, so Latin 1 reads MSH-18 safely.
        String latin1 = StandardCharsets.ISO_8859_1.decode(view.duplicate()).toString();
        String msh18 = "";
        if (latin1.startsWith("MSH")) {
            try {
                String[] fields = PreParser.getFields(latin1, "MSH-18(0)");
                msh18 = fields.length > 0 && fields[0] != null ? fields[0].strip() : "";
            } catch (HL7Exception | RuntimeException e) {
                msh18 = ""; // the parser will name what is wrong with the MSH segment
            }
        }
        if (msh18.isEmpty()) {
            Optional<String> utf8 = strict(view, StandardCharsets.UTF_8);
            return utf8.<Hl7Result<DecodedText>>map(t -> Hl7Result.ok(new DecodedText(t, StandardCharsets.UTF_8)))
                    .orElseGet(() -> Hl7Result.ok(new DecodedText(latin1, StandardCharsets.ISO_8859_1)));
        }
        Optional<Charset> charset = Hl7Charsets.forMsh18(msh18);
        if (charset.isEmpty()) {
            return Hl7Result.failed(Hl7Failure.at(
                    FailureReason.UNKNOWN_CHARSET,
                    Hl7Location.field("MSH", 18),
                    "MSH-18 names a character set this gateway does not know: '" + printable(msh18) + "'"));
        }
        Optional<String> text = strict(view, charset.get());
        if (text.isEmpty()) {
            return Hl7Result.failed(Hl7Failure.at(
                    FailureReason.BAD_CHARACTERS,
                    Hl7Location.field("MSH", 18),
                    "the message holds bytes that are not valid "
                            + charset.get().name() + ", as MSH-18 '" + msh18 + "' declares"));
        }
        return Hl7Result.ok(new DecodedText(text.get(), charset.get()));
    }

    private static Optional<String> strict(ByteBuffer bytes, Charset charset) {
        try {
            CharBuffer chars = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes.duplicate());
            return Optional.of(chars.toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 32 ? s.substring(0, 32) : s;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }

    /** The MSH-18 value for a character set, for the acknowledgement of a message in it. */
    public static String msh18Of(Charset charset) {
        return Hl7Charsets.msh18Of(charset);
    }
}
