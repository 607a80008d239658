#!/usr/bin/python3
"""Writes the hand-made environment-station recordings (not captures from hardware):

  sht31_measure.i2c     SHT31 single shots: a good one, then one whose humidity CRC is wrong
  bh1750_measure.i2c    BH1750 power-on, reset, one-time H-resolution reading 0x8390
                        (the datasheet's own example: 28067 lx)
  bme680_forced.i2c     BME680 init with a plausible calibration and one forced conversion
  pms7003_stream.bin    PMS7003 UART bytes: frames among garbage, a bad checksum, a wrong
                        length field, a frame split over two reads, a header inside garbage

SHT31 CRC-8: polynomial 0x31, init 0xFF (Sensirion SHT3x-DIS datasheet, "Checksum
Calculation"). PMS7003 check code: sum of bytes 0..29 (Plantower PMS7003 data manual).
BME680 register addresses: BST-BME680-DS001 §5.3 and §3.11.1. The calibration values are
those a BME680 board printed in a public example (github.com/wrclark/bme680 README); the ADC
values were chosen so the datasheet's float formulas give about 22.8 °C, 920 hPa, 62 %RH.
"""
import pathlib
import struct

HERE = pathlib.Path(__file__).parent


def crc8(data):
    crc = 0xFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = ((crc << 1) ^ 0x31) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def hexs(bs):
    return " ".join(f"{b:02X}" for b in bs)


assert crc8([0xBE, 0xEF]) == 0x92  # the datasheet's test vector

# --- SHT31: 23.50 °C and 48.20 %RH (S = (T + 45) / 175 * 65535, S = RH / 100 * 65535)
st = round((23.5 + 45) / 175 * 65535)
srh = round(48.2 / 100 * 65535)
good = [st >> 8, st & 0xFF, crc8([st >> 8, st & 0xFF]), srh >> 8, srh & 0xFF,
        crc8([srh >> 8, srh & 0xFF])]
bad = list(good)
bad[5] ^= 0x01
(HERE / "sht31_measure.i2c").write_text(
    "# SHT31 at 0x44: two single-shot measurements (command 0x2400, high repeatability,\n"
    "# no clock stretching), 16 ms wait, 6 bytes. Hand-made by make_env_scripts.py.\n"
    f"w 44 24 00\nd 16\nr 44 : {hexs(good)}   # 23.50 °C, 48.20 %RH\n"
    f"w 44 24 00\nd 16\nr 44 : {hexs(bad)}   # humidity CRC flipped\n")

# --- BH1750
(HERE / "bh1750_measure.i2c").write_text(
    "# BH1750 at 0x23: Power On, Reset, One Time H-Resolution, 180 ms, 2 bytes.\n"
    "# 0x8390 = 33680 counts → 33680 / 1.2 = 28067 lx (the datasheet's example).\n"
    "w 23 01\nw 23 07\nw 23 20\nd 180\nr 23 : 83 90\n")

# --- BME680
cal = dict(t1=26203, t2=26519, t3=3, p1=35008, p2=-10284, p3=88, p4=9692, p5=-202, p6=30,
           p7=24, p8=-516, p9=-3469, p10=30, h1=794, h2=1007, h3=0, h4=45, h5=20, h6=120,
           h7=-100, g1=-30, g2=-12000, g3=18, res_heat_val=48, res_heat_range=1, range_sw_err=1)
c1 = bytearray(25)
def put(buf, base, addr, fmt, v):
    struct.pack_into(fmt, buf, addr - base, v)
for addr, fmt, key in [(0x8A, "<h", "t2"), (0x8C, "<b", "t3"), (0x8E, "<H", "p1"),
                       (0x90, "<h", "p2"), (0x92, "<b", "p3"), (0x94, "<h", "p4"),
                       (0x96, "<h", "p5"), (0x98, "<b", "p7"), (0x99, "<b", "p6"),
                       (0x9C, "<h", "p8"), (0x9E, "<h", "p9"), (0xA0, "<B", "p10")]:
    put(c1, 0x89, addr, fmt, cal[key])
c2 = bytearray(16)
c2[0] = cal["h2"] >> 4
c2[1] = ((cal["h2"] & 0x0F) << 4) | (cal["h1"] & 0x0F)
c2[2] = cal["h1"] >> 4
for addr, fmt, key in [(0xE4, "<b", "h3"), (0xE5, "<b", "h4"), (0xE6, "<b", "h5"),
                       (0xE7, "<B", "h6"), (0xE8, "<b", "h7"), (0xE9, "<H", "t1"),
                       (0xEB, "<h", "g2"), (0xED, "<b", "g1"), (0xEE, "<b", "g3")]:
    put(c2, 0xE1, addr, fmt, cal[key])
c3 = bytearray(5)
c3[0] = cal["res_heat_val"] & 0xFF
c3[2] = cal["res_heat_range"] << 4
c3[4] = (cal["range_sw_err"] << 4) & 0xF0
temp_adc, press_adc, hum_adc, gas_adc, gas_range = 491300, 361000, 23900, 300, 5
data = bytearray(15)
data[0] = 0x80  # new_data_0
data[2:5] = bytes([press_adc >> 12, (press_adc >> 4) & 0xFF, (press_adc & 0x0F) << 4])
data[5:8] = bytes([temp_adc >> 12, (temp_adc >> 4) & 0xFF, (temp_adc & 0x0F) << 4])
data[8:10] = bytes([hum_adc >> 8, hum_adc & 0xFF])
data[13] = gas_adc >> 2
data[14] = ((gas_adc & 0x03) << 6) | 0x20 | 0x10 | gas_range  # gas_valid, heat_stab

def res_heat(target, amb):  # §3.3.5, integer formula
    var1 = int((amb * cal["g3"]) / 10) * 256
    var2 = (cal["g1"] + 784) * int((int(((cal["g2"] + 154009) * target * 5) / 100) + 3276800) / 10)
    var3 = var1 + int(var2 / 2)
    var4 = int(var3 / (cal["res_heat_range"] + 4))
    var5 = 131 * cal["res_heat_val"] + 65536
    return int((int(var4 / var5) - 250) * 34 + 50) // 100

stale = bytearray(data)
stale[0] = 0x00
(HERE / "bme680_forced.i2c").write_text(
    "# BME680 at 0x76: init (chip id, soft reset, calibration, T×2 P×16 H×1, heater 320 °C /\n"
    "# 150 ms) and two forced conversions, the second not finished (new_data_0 clear).\n"
    "# Hand-made by make_env_scripts.py; ADC: "
    f"T {temp_adc}, P {press_adc}, H {hum_adc}, gas {gas_adc} range {gas_range}.\n"
    "wr 76 D0 : 61\nw 76 E0 B6\nd 10\n"
    f"wr 76 89 : {hexs(c1)}\nwr 76 E1 : {hexs(c2)}\nwr 76 00 : {hexs(c3)}\n"
    "w 76 72 01\nw 76 75 00\nw 76 74 54\n"
    f"w 76 5A {res_heat(320, 25):02X}   # res_heat_0 for 320 °C at 25 °C (§3.3.5)\n"
    "w 76 64 65   # gas_wait_0: 150 ms → 37 × 4 (multiplier code 1): 0x40 | 37\n"
    "w 76 71 10\n"
    f"w 76 74 55\nd 193\nwr 76 1D : {hexs(data)}\n"
    f"w 76 74 55\nd 193\nwr 76 1D : {hexs(stale)}\n")

# --- PMS7003
def frame(pm_atm, pm_cf1=None, counts=(0,) * 6, length=28, corrupt=False):
    pm_cf1 = pm_cf1 or pm_atm
    body = struct.pack(">2sH3H3H6HBB", b"BM", length, *pm_cf1, *pm_atm, *counts, 0x97, 0)
    cs = sum(body) & 0xFFFF
    if corrupt:
        cs ^= 0x0100
    return body + struct.pack(">H", cs)

stream = bytearray(b"\x00\xff\x42\x13")               # garbage, incl. a lone 0x42
stream += frame((8, 12, 15), counts=(1500, 420, 60, 6, 1, 0))
stream += frame((9, 13, 16), corrupt=True)             # bad checksum
stream += b"\x42\x4d\x00\x14" + bytes(20)              # a PMS3003-style length 20
stream += frame((10, 14, 18))
stream += b"\x42\x4d\x42" + frame((11, 15, 19))        # header in garbage before a frame
(HERE / "pms7003_stream.bin").write_bytes(bytes(stream))
