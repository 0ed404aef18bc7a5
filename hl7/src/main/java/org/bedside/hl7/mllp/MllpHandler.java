package org.bedside.hl7.mllp;

/**
 * Takes the messages an {@link MllpListener} receives. The handler stores what it keeps <b>before</b> it returns
 * {@link Decision.Accept}: the acknowledgement goes out only after {@code handle} returned, so a sender that received
 * CA or AA can forget the message. A handler that throws is answered as {@link Decision.RetryLater} (nothing is known
 * to be stored) and counted; the listener keeps serving.
 *
 * <p>Called on the connection's thread, one message at a time per connection; several connections call it
 * concurrently. A sender that did not get its acknowledgement sends the same message again with the same control id
 * (MSH-10): a handler that stores durably recognises it ({@link InboundMessage#controlId()}) and accepts it without
 * storing it twice.
 */
@FunctionalInterface
public interface MllpHandler {

    Decision handle(InboundMessage message) throws Exception;
}
