package org.bedside.drivers.framing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc16X25Test {

    @Test
    void theCheckValueOver123456789Is906E() {
        byte[] data = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(Crc16X25.fcs(data, 0, data.length)).isEqualTo(0x906E);
    }

    @Test
    void dataFollowedByItsFcsLowByteFirstLeavesTheGoodResidue() {
        Random random = new Random(1);
        for (int i = 0; i < 1000; i++) {
            byte[] data = new byte[2 + random.nextInt(300)];
            random.nextBytes(data);
            int fcs = Crc16X25.fcs(data, 0, data.length - 2);
            data[data.length - 2] = (byte) fcs;
            data[data.length - 1] = (byte) (fcs >> 8);
            assertThat(Crc16X25.register(data, 0, data.length)).isEqualTo(Crc16X25.GOOD_RESIDUE);
            assertThat(Crc16X25.isGood(data, 0, data.length)).isTrue();
            data[random.nextInt(data.length)] ^= (byte) (1 << random.nextInt(8));
            assertThat(Crc16X25.isGood(data, 0, data.length)).isFalse();
        }
    }

    @Test
    void theWorkedSinglePollExampleHasFcs958E() {
        // protocols.md §1.2: header and user data of the single numeric poll; FCS 0x958E, sent as 8E 95
        byte[] plain = HexFormat.of()
                .parseHex(("11 01 00 24 E1 00 00 02 00 01 00 1C 00 00 00 07 00 16 00 21 00 00 00 00 00 00 00 00"
                                + " 0C 16 00 08 00 01 00 01 00 06 00 00")
                        .replace(" ", ""));
        assertThat(plain).hasSize(40);
        assertThat(Crc16X25.fcs(plain, 0, plain.length)).isEqualTo(0x958E);
    }
}
