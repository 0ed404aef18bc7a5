#!/usr/bin/env python3
"""Writes <capture>.expected.csv: the values each displayed-values record of a DRI capture holds, read by this
independent parser written from ../shared/design/protocols.md section 2 (not from the Java decoder's tables).

usage: python3 expected.py db00.raw S5Rawoutput-no-patient.raw

Columns: record (index of the physiological record in the capture), time (the monitor's clock, local), then one
column per value: the value at the field's scale, 'special:<code>' for a special value (<= -32001), 'absent' when
the group's status says the measurement does not exist, 'inactive:<value>' when it exists but is not active.
EtCO2 is et x ambient x 1e-5 mmHg rounded half-up to 0.1.
"""
import datetime
import struct
import sys
from decimal import Decimal, ROUND_HALF_UP


def frames(data):
    out, cur, esc = [], None, False
    for b in data:
        if b == 0x7E:
            if cur:
                out.append(bytes(cur))
            cur, esc = bytearray(), False
        elif cur is None:
            continue
        elif esc:
            cur.append(b ^ 0x20)
            esc = False
        elif b == 0x7D:
            esc = True
        else:
            cur.append(b)
    return out


def field(sr, group, offset, scale):
    raw = struct.unpack_from('<h', sr, offset)[0]
    if raw <= -32001:
        return 'special:%d' % raw, None
    status = struct.unpack_from('<I', sr, group)[0]
    if not status & 1:
        return 'absent', None
    value = Decimal(raw).scaleb(-scale)
    if not status & 2:
        return 'inactive:%s' % value, None
    return str(value), value


COLUMNS = [('hr', 4, 10, 0), ('imp_rr', 4, 18, 0), ('nibp_sys', 76, 82, 2), ('nibp_dia', 76, 84, 2),
           ('nibp_mean', 76, 86, 2), ('t1', 90, 96, 2), ('spo2', 122, 128, 2), ('pr', 122, 130, 0),
           ('co2_rr', 136, 146, 0), ('ambient', 136, 148, 1)]


def main(path):
    rows = ['record,time,' + ','.join(c[0] for c in COLUMNS) + ',etco2,state_entropy,response_entropy']
    index = 0
    for f in frames(open(path, 'rb').read()):
        rec, checksum = f[:-1], f[-1]
        if len(rec) < 40 or sum(rec) & 0xFF != checksum or struct.unpack_from('<H', rec, 14)[0] != 0:
            continue
        basic = ext2 = None
        for i in range(8):
            off, typ = struct.unpack_from('<hB', rec, 16 + 3 * i)
            if typ == 0xFF:
                break
            sr = rec[40 + off:40 + off + 278]
            cls = (struct.unpack_from('<H', sr, 276)[0] >> 8) & 0xF
            if cls == 0:
                basic = sr
            elif cls == 2:
                ext2 = sr
        t = struct.unpack_from('<I', basic, 0)[0]
        cells = [str(index), datetime.datetime.utcfromtimestamp(t).isoformat()]
        values = {}
        for name, group, offset, scale in COLUMNS:
            text, values[name] = field(basic, group, offset, scale)
            cells.append(text)
        et_text, et = field(basic, 136, 142, 2)
        if et is None:
            cells.append(et_text)
        elif values['ambient'] is None:
            cells.append('no-ambient')
        else:
            cells.append(str((et * values['ambient'] / 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)))
        for offset in (122, 124):
            cells.append(field(ext2, 116, offset, 0)[0] if ext2 else 'no-ext2')
        rows.append(','.join(cells))
        index += 1
    with open(path.rsplit('.', 1)[0] + '.expected.csv', 'w') as out:
        out.write('\n'.join(rows) + '\n')


if __name__ == '__main__':
    for p in sys.argv[1:]:
        main(p)
