package org.bedside.drivers.ivue;

/**
 * One message from the monitor, parsed down to its session and remote-operation layers (§1.3). The operation's body is
 * left to the decoder of its kind, as a reader positioned after the RO header.
 */
sealed interface IvueMessage {

    /** AC: the association is accepted. */
    record AssociationAccept() implements IvueMessage {}

    /** RF: the monitor refuses the association. */
    record AssociationRefuse() implements IvueMessage {}

    /** AB: the association is aborted. */
    record Abort() implements IvueMessage {}

    /** FN: the monitor asks to release the association. */
    record ReleaseRequest() implements IvueMessage {}

    /** DN: the monitor confirms a release. */
    record ReleaseResponse() implements IvueMessage {}

    /** CN: an association request; only a simulator or a second client on a shared line sends one. */
    record AssociationRequest() implements IvueMessage {}

    /** ROIV: the monitor invokes an operation (an event report such as the MDS create event). */
    record Invoke(int invokeId, int command, IvueReader body) implements IvueMessage {}

    /**
     * RORS or ROLRS: the result of one of our requests.
     *
     * @param linkedState 0 for an ordinary result; for a linked one (one of several pushes of an extended poll)
     *     {@link IvueWire#RORLS_FIRST}, {@link IvueWire#RORLS_NOT_FIRST_NOT_LAST} or {@link IvueWire#RORLS_LAST}
     */
    record Result(int invokeId, int command, int linkedState, IvueReader body) implements IvueMessage {
        boolean linked() {
            return linkedState != 0;
        }
    }

    /** ROER: one of our requests failed. */
    record Error(int invokeId, int errorValue) implements IvueMessage {}
}
