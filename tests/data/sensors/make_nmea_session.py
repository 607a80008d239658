#!/usr/bin/python3
"""Writes ublox_session.nmea: a hand-made u-blox M8-style NMEA session (not a capture).

Ten 1 Hz epochs of a receiver walking north-east in São Paulo, in the order a u-blox M8
sends them (RMC, VTG, GGA, GSA, GSV, GLL), with the defects a real UART line shows:
  epoch 0: no fix yet (empty position fields, RMC status V, GGA quality 0)
  epoch 3: a UBX-NAV binary packet (0xB5 0x62 …) between sentences
  epoch 5: the GGA has one character flipped after its checksum was computed (bad checksum)
  epoch 7: the RMC is cut mid-sentence (power glitch) and the next '$' follows at once
  epoch 8: a 120-character line of a chatty proprietary sentence (overlong)
Checksums: XOR of the characters between '$' and '*' (NMEA 0183).
Expected counts are asserted in tests/unit/sensors/nmea_test.cpp.
"""
import functools
import pathlib


def sentence(body):
    cs = functools.reduce(lambda a, c: a ^ ord(c), body, 0)
    return f"${body}*{cs:02X}\r\n".encode()


def dm(value, deg_digits):
    hemi = value >= 0
    value = abs(value)
    deg = int(value)
    minutes = (value - deg) * 60.0
    return f"{deg:0{deg_digits}d}{minutes:08.5f}", hemi


out = bytearray()
lat0, lon0 = -23.550520, -46.633309
for k in range(10):
    t = f"1412{k:02d}.00"
    lat = lat0 + k * 1.0e-5
    lon = lon0 + k * 1.0e-5
    la, north = dm(lat, 2)
    lo, east = dm(lon, 3)
    ns, ew = ("N" if north else "S"), ("E" if east else "W")
    if k == 0:
        rmc = f"GNRMC,{t},V,,,,,,,180524,,,N"
        vtg = "GNVTG,,T,,M,,N,,K,N"
        gga = f"GNGGA,{t},,,,,0,00,99.99,,,,,,"
    else:
        rmc = f"GNRMC,{t},A,{la},{ns},{lo},{ew},2.720,45.00,180524,,,A"
        vtg = "GNVTG,45.00,T,,M,2.720,N,5.037,K,A"
        gga = f"GNGGA,{t},{la},{ns},{lo},{ew},1,09,0.92,760.1,M,-5.2,M,,"
    gsa = "GNGSA,A,3,05,13,15,18,20,23,24,,,,,,1.60,0.92,1.31"
    gsv = "GPGSV,2,1,07,05,45,120,38,13,60,300,42,15,20,045,30,18,15,200,25"
    gll = f"GNGLL,{la},{ns},{lo},{ew},{t},A,A" if k else f"GNGLL,,,,,{t},V,N"
    epoch = [sentence(rmc), sentence(vtg), sentence(gga), sentence(gsa), sentence(gsv),
             sentence(gll)]
    if k == 3:
        epoch.insert(3, bytes([0xB5, 0x62, 0x01, 0x07, 0x04, 0x00, 0x24, 0x0D, 0x0A, 0x00,
                               0x3C, 0x8B]))
    if k == 5:
        bad = bytearray(epoch[2])
        bad[bad.index(b"760.1")] = ord("9")  # flip a digit of the altitude
        epoch[2] = bytes(bad)
    if k == 7:
        epoch[0] = epoch[0][:30]  # cut, no line end: the next '$' truncates it
    if k == 8:
        epoch.insert(0, b"$PUBX,00," + b"9" * 111 + b"\r\n")
    out += b"".join(epoch)

pathlib.Path(__file__).with_name("ublox_session.nmea").write_bytes(bytes(out))
