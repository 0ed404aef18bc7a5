package org.bedside.drivers.ivue;

import org.bedside.drivers.spi.DecodeException;
import org.bedside.drivers.spi.DecodeFailure;

/**
 * Parses the session layer (association SPDUs) and the Data Export remote-operation layer (§1.3) of one message: the
 * user data of a serial frame, or one UDP datagram.
 */
final class IvueMessages {
    private IvueMessages() {}

    static IvueMessage parse(byte[] data, int offset, int length) throws DecodeException {
        IvueReader r = new IvueReader(data, offset, length);
        int first = r.u8("session byte");
        switch (first) {
            case IvueWire.SPDU_AC -> {
                lengthIndicator(r);
                return new IvueMessage.AssociationAccept();
            }
            case IvueWire.SPDU_RF -> {
                return new IvueMessage.AssociationRefuse();
            }
            case IvueWire.SPDU_AB -> {
                return new IvueMessage.Abort();
            }
            case IvueWire.SPDU_FN -> {
                return new IvueMessage.ReleaseRequest();
            }
            case IvueWire.SPDU_DN -> {
                return new IvueMessage.ReleaseResponse();
            }
            case IvueWire.SPDU_CN -> {
                lengthIndicator(r);
                return new IvueMessage.AssociationRequest();
            }
            case IvueWire.SESSION_ID_DATA_EXPORT >> 8 -> {
                return dataExport(r);
            }
            default ->
                throw new DecodeException(
                        DecodeFailure.Reason.UNKNOWN_MESSAGE_TYPE,
                        "first byte 0x" + Integer.toHexString(first) + " is no session message of Data Export");
        }
    }

    /** The LI after an association SPDU's first byte: one byte, or FF and two more (§1.3); checked against the rest. */
    private static void lengthIndicator(IvueReader r) throws DecodeException {
        int li = r.u8("length indicator");
        if (li == 0xFF) {
            li = r.u16("long length indicator");
        }
        if (li > r.remaining()) {
            throw new DecodeException(
                    DecodeFailure.Reason.TRUNCATED,
                    "association message announces " + li + " bytes but has " + r.remaining());
        }
    }

    private static IvueMessage dataExport(IvueReader r) throws DecodeException {
        int sessionLow = r.u8("session id");
        IvueReader.expect(sessionLow == 0x00, "session id is not 0xE100");
        r.u16("presentation context"); // echoes the association's; not checked, as the open implementations do not
        int roType = r.u16("ro_type");
        int roLength = r.u16("ROapdus length");
        IvueReader body = r.sub(roLength, "remote operation");
        switch (roType) {
            case IvueWire.ROIV -> {
                int invokeId = body.u16("invoke id");
                int command = body.u16("command type");
                int length = body.u16("argument length");
                return new IvueMessage.Invoke(invokeId, command, body.sub(length, "invoke argument"));
            }
            case IvueWire.RORS -> {
                int invokeId = body.u16("invoke id");
                int command = body.u16("command type");
                int length = body.u16("result length");
                return new IvueMessage.Result(invokeId, command, 0, body.sub(length, "result"));
            }
            case IvueWire.ROLRS -> {
                int state = body.u8("linked state");
                body.u8("linked count");
                IvueReader.expect(
                        state >= IvueWire.RORLS_FIRST && state <= IvueWire.RORLS_LAST,
                        "linked result state " + state + " is not 1, 2 or 3");
                int invokeId = body.u16("invoke id");
                int command = body.u16("command type");
                int length = body.u16("result length");
                return new IvueMessage.Result(invokeId, command, state, body.sub(length, "linked result"));
            }
            case IvueWire.ROER -> {
                int invokeId = body.u16("invoke id");
                int error = body.u16("error value");
                return new IvueMessage.Error(invokeId, error);
            }
            default ->
                throw new DecodeException(
                        DecodeFailure.Reason.UNKNOWN_MESSAGE_TYPE, "remote operation type " + roType + " is unknown");
        }
    }
}
