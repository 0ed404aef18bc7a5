package org.bedside.drivers.ivue;

import java.util.ArrayList;
import java.util.List;
import org.bedside.drivers.spi.DecodeException;

/**
 * A poll result (§1.7), single or extended: which poll it answers, the monitor's clock when it was made, and the
 * objects it reports, each with its attributes.
 *
 * @param sequence the push's sequence number within an extended poll; 0 for a single poll
 * @param relativeTime the monitor's RelativeTime (1/8 ms ticks, unsigned 32 bits)
 * @param absoluteTime the monitor's BCD AbsoluteTime, 8 bytes; all 0xFF on most monitors
 */
record IvuePollResult(
        int actionType,
        int pollNumber,
        int sequence,
        long relativeTime,
        byte[] absoluteTime,
        int objectPartition,
        int objectType,
        int attributeGroup,
        List<Observation> observations) {

    /** One object's report: its context, its handle, its attributes. */
    record Observation(int context, int handle, List<IvueAttribute> attributes) {}

    boolean extended() {
        return actionType == IvueWire.NOM_ACT_POLL_MDIB_DATA_EXT;
    }

    /**
     * Parses an ActionResult that carries a poll reply.
     *
     * @throws DecodeException when it breaks the grammar, or is the result of another action
     */
    static IvuePollResult parse(IvueReader r) throws DecodeException {
        r.skip(6, "managed object");
        int actionType = r.u16("action type");
        IvueReader.expect(
                actionType == IvueWire.NOM_ACT_POLL_MDIB_DATA || actionType == IvueWire.NOM_ACT_POLL_MDIB_DATA_EXT,
                "action result of action " + IvueCodes.hex(actionType) + " is no poll result");
        int length = r.u16("action result length");
        IvueReader p = r.sub(length, "poll reply");
        int pollNumber = p.u16("poll number");
        int sequence = actionType == IvueWire.NOM_ACT_POLL_MDIB_DATA_EXT ? p.u16("sequence number") : 0;
        long rel = p.u32("relative time stamp");
        byte[] abs = p.bytes(8, "absolute time stamp");
        int partition = p.u16("polled object partition");
        int type = p.u16("polled object type");
        int group = p.u16("polled attribute group");
        int contexts = p.u16("poll info count");
        int infoLength = p.u16("poll info length");
        IvueReader info = p.subAtMost(infoLength);
        IvueReader.expect(contexts <= infoLength / 6, "poll info counts " + contexts + " in " + infoLength + " bytes");
        List<Observation> observations = new ArrayList<>();
        for (int c = 0; c < contexts; c++) {
            int context = info.u16("context id");
            int count = info.u16("observation count");
            int obsLength = info.u16("observation list length");
            IvueReader list = info.subAtMost(obsLength);
            IvueReader.expect(count <= obsLength / 6, "observation list counts " + count + " in " + obsLength);
            for (int i = 0; i < count; i++) {
                int handle = list.u16("object handle");
                observations.add(new Observation(context, handle, IvueAttribute.readList(list)));
            }
            IvueReader.expect(!list.hasRemaining(), "observation list has bytes after its last object");
        }
        return new IvuePollResult(actionType, pollNumber, sequence, rel, abs, partition, type, group, observations);
    }
}
