package org.bedside.drivers.ivue;

import java.util.ArrayList;
import java.util.List;
import org.bedside.drivers.spi.DecodeException;

/**
 * One AVA of an attribute list (§1.3): its id and where its value lies in the message. Values are read in place, by
 * the decoder of the attribute.
 */
record IvueAttribute(int id, byte[] data, int offset, int length) {

    IvueReader reader() {
        return new IvueReader(data, offset, length);
    }

    byte[] bytes() {
        return java.util.Arrays.copyOfRange(data, offset, offset + length);
    }

    /** Reads an AttributeList: count u16, length u16, then count × (id u16, length u16, value). */
    static List<IvueAttribute> readList(IvueReader r) throws DecodeException {
        int count = r.u16("attribute count");
        int length = r.u16("attribute list length");
        IvueReader list = r.subAtMost(length);
        // A count cannot exceed what the length holds (4 bytes per AVA at least): bounds the list's memory too.
        IvueReader.expect(count <= length / 4, "attribute list counts " + count + " in " + length + " bytes");
        List<IvueAttribute> attributes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int id = list.u16("attribute id");
            int n = list.u16("attribute length");
            IvueReader value = list.subAtMost(n);
            attributes.add(new IvueAttribute(id, value.array(), value.position(), value.remaining()));
        }
        IvueReader.expect(!list.hasRemaining(), "attribute list has " + list.remaining() + " bytes after its last AVA");
        return attributes;
    }

    static @org.jspecify.annotations.Nullable IvueAttribute find(List<IvueAttribute> list, int id) {
        for (IvueAttribute a : list) {
            if (a.id == id) {
                return a;
            }
        }
        return null;
    }
}
