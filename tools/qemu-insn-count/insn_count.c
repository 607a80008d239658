/* insn_count: a QEMU TCG plugin that counts executed guest instructions, in total and inside
 * up to 8 guest address ranges [low, high) (e.g. the engine's conv kernels taken from `nm`).
 *
 *   qemu-system-arm ... -plugin ./libinsncount.so,range=0x100-0x2a0,range=0x400-0x480,out=f.txt
 *   (also accepted: low=0x100,high=0x2a0 for a single range)
 *
 * At exit it prints one line per counter, `total N` then `range LOW-HIGH N`, to `out` or to
 * QEMU's log (stderr). Counting is exact per executed instruction: every instruction gets an
 * inline "add 1" on the counters it belongs to, so no helper call runs per instruction.
 * profile=PATH (optional) also writes one `0xPC N` line per executed instruction inside the
 * FIRST range, for finding where a kernel's instructions go (pair it with objdump -d).
 *
 * Debian's QEMU 7.2 ships no qemu-plugin.h, so the handful of API entry points used here are
 * declared below from the documented QEMU 7.2 plugin API (plugin API version 1; see
 * docs/devel/tcg-plugins.rst in the QEMU 7.2 sources). Single vCPU: the counters are plain
 * globals, which is exact for the Cortex-M machines this is used with and for single-threaded
 * programs under user-mode QEMU (qemu-aarch64 runs each guest thread on its own host thread,
 * so a multi-threaded guest would race on them). User mode loads a PIE at a QEMU-chosen base:
 * link the guest -no-pie so that `nm` addresses are the guest addresses counted here. */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
#define QEMU_PLUGIN_VERSION 1

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t; /* only passed through, never read */
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb* tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void* userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void* userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb* tb);
struct qemu_plugin_insn* qemu_plugin_tb_get_insn(const struct qemu_plugin_tb* tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn* insn);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn* insn,
                                                enum qemu_plugin_op op, void* ptr, uint64_t imm);
void qemu_plugin_outs(const char* string);

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

enum { kMaxRanges = 8 };

struct Range {
  uint64_t low, high;
  uint64_t count;
};

static uint64_t g_total;
static struct Range g_ranges[kMaxRanges];
static int g_num_ranges;
static char g_out_path[512];
static char g_profile_path[512];
static uint64_t* g_profile; /* one counter per halfword of range 0 when profile= is given */

static void on_tb_translate(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  (void)id;
  const size_t n = qemu_plugin_tb_n_insns(tb);
  for (size_t i = 0; i < n; ++i) {
    struct qemu_plugin_insn* insn = qemu_plugin_tb_get_insn(tb, i);
    const uint64_t pc = qemu_plugin_insn_vaddr(insn);
    qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &g_total, 1);
    for (int r = 0; r < g_num_ranges; ++r) {
      if (pc >= g_ranges[r].low && pc < g_ranges[r].high) {
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                   &g_ranges[r].count, 1);
        if (r == 0 && g_profile != NULL) {
          qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64,
                                                     &g_profile[(pc - g_ranges[0].low) / 2], 1);
        }
      }
    }
  }
}

static void write_profile(void) {
  FILE* f = fopen(g_profile_path, "w");
  if (f == NULL) {
    qemu_plugin_outs("insn_count: cannot open profile= file\n");
    return;
  }
  const uint64_t slots = (g_ranges[0].high - g_ranges[0].low + 1) / 2;
  for (uint64_t i = 0; i < slots; ++i) {
    if (g_profile[i] != 0) {
      fprintf(f, "0x%" PRIx64 " %" PRIu64 "\n", g_ranges[0].low + 2 * i, g_profile[i]);
    }
  }
  fclose(f);
}

static void on_qemu_exit(qemu_plugin_id_t id, void* userdata) {
  (void)id;
  (void)userdata;
  if (g_profile != NULL) write_profile();
  char text[128 * (kMaxRanges + 1)];
  int used = snprintf(text, sizeof text, "total %" PRIu64 "\n", g_total);
  for (int r = 0; r < g_num_ranges && used > 0 && (size_t)used < sizeof text; ++r) {
    used += snprintf(text + used, sizeof text - (size_t)used,
                     "range 0x%" PRIx64 "-0x%" PRIx64 " %" PRIu64 "\n", g_ranges[r].low,
                     g_ranges[r].high, g_ranges[r].count);
  }
  if (g_out_path[0] != '\0') {
    FILE* f = fopen(g_out_path, "w");
    if (f != NULL) {
      fputs(text, f);
      fclose(f);
      return;
    }
    qemu_plugin_outs("insn_count: cannot open out= file, printing instead\n");
  }
  qemu_plugin_outs(text);
}

static bool parse_u64(const char* text, uint64_t* value) {
  char* end = NULL;
  *value = strtoull(text, &end, 0);
  return end != text;
}

/* Accepts "range=LOW-HIGH", "low=X", "high=X", "out=PATH"; "arg=" prefixes (the older QEMU
 * spelling) are stripped first. */
static bool parse_arg(const char* arg, uint64_t* pending_low) {
  if (strncmp(arg, "arg=", 4) == 0) arg += 4;
  if (strncmp(arg, "out=", 4) == 0) {
    snprintf(g_out_path, sizeof g_out_path, "%s", arg + 4);
    return true;
  }
  if (strncmp(arg, "profile=", 8) == 0) {
    snprintf(g_profile_path, sizeof g_profile_path, "%s", arg + 8);
    return true;
  }
  if (strncmp(arg, "low=", 4) == 0) return parse_u64(arg + 4, pending_low);
  uint64_t low = 0, high = 0;
  if (strncmp(arg, "high=", 5) == 0) {
    low = *pending_low;
    if (!parse_u64(arg + 5, &high)) return false;
  } else if (strncmp(arg, "range=", 6) == 0) {
    const char* dash = strchr(arg + 6, '-');
    if (dash == NULL || !parse_u64(arg + 6, &low) || !parse_u64(dash + 1, &high)) return false;
  } else {
    return false;
  }
  if (high <= low || g_num_ranges == kMaxRanges) return false;
  g_ranges[g_num_ranges].low = low;
  g_ranges[g_num_ranges].high = high;
  ++g_num_ranges;
  return true;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc,
                                           char** argv) {
  (void)info;
  uint64_t pending_low = 0;
  for (int i = 0; i < argc; ++i) {
    if (!parse_arg(argv[i], &pending_low)) {
      char message[600];
      snprintf(message, sizeof message,
               "insn_count: bad argument '%s' (expected range=LOW-HIGH, low=/high=, out=PATH, "
               "profile=PATH)\n",
               argv[i]);
      qemu_plugin_outs(message);
      return -1;
    }
  }
  if (g_profile_path[0] != '\0') {
    if (g_num_ranges == 0) {
      qemu_plugin_outs("insn_count: profile= needs a range\n");
      return -1;
    }
    g_profile = calloc((size_t)((g_ranges[0].high - g_ranges[0].low + 1) / 2), sizeof *g_profile);
    if (g_profile == NULL) return -1;
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_translate);
  qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
  return 0;
}
