package org.bedside.hl7.mllp;

import org.jspecify.annotations.Nullable;

/**
 * What became of one message sent by {@link MllpClient}: the three answers of a sink in the consumer loop.
 *
 * <table>
 *   <caption>acknowledgement → result</caption>
 *   <tr><th>MSA-1</th><th>result</th><th>why</th></tr>
 *   <tr><td>AA, CA</td><td>{@link Accepted}</td><td>processed, or the receiver took responsibility</td></tr>
 *   <tr><td>AR</td><td>{@link RetryLater}</td><td>"for reasons unrelated to content" (table 0008): the receiver's
 *       system is down; the same message may be taken later</td></tr>
 *   <tr><td>CE</td><td>{@link RetryLater}</td><td>"cannot accept for any other reason": nothing says the content is
 *       wrong</td></tr>
 *   <tr><td>AE</td><td>{@link Refused}</td><td>an error in the content: the same message would be refused again</td></tr>
 *   <tr><td>CR</td><td>{@link Refused}</td><td>message type, version or processing id not supported</td></tr>
 *   <tr><td>no answer in time, a connection failure, an answer that does not parse or echoes another control
 *       id</td><td>{@link RetryLater}</td><td>the message may or may not have arrived: send it again with the same
 *       control id</td></tr>
 * </table>
 */
public sealed interface SendResult {

    /** The control id of the message this result is about. */
    String controlId();

    record Accepted(String controlId, AckCode code) implements SendResult {}

    /** Send the same message (the same control id) again after a pause. */
    record RetryLater(
            String controlId, String reason, @Nullable AckCode code) implements SendResult {}

    /** The receiver will not take this message; sending it again will not help. */
    record Refused(String controlId, String reason, AckCode code) implements SendResult {}
}
