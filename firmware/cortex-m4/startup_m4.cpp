// Cortex-M4F start-up for the firmware demo: vector table, reset handler, fault trap.
// The reset handler sets up C++ state (.data copy, .bss zero, FPU on, constructors), runs the demo
// and hands its return value to the semihosting exit so QEMU's exit status is the demo's.
// Addresses come from mps2_an386.ld; CPACR layout from the ARMv7-M Architecture Reference
// Manual, B3.2.20 (CP10/CP11 full access = 0b11 each, bits 20..23).
#include <cstdint>

#include "demo.hpp"
#include "platform.hpp"

extern "C" {
extern std::uint32_t __data_start, __data_end, __data_load, __bss_start, __bss_end, __stack_top;
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();

[[noreturn]] void Reset_Handler();
[[noreturn]] void Fault_Handler();
// -nostartfiles: newlib still references these from its init/fini machinery.
void _init() {}
void _fini() {}
}

namespace {

constexpr std::uintptr_t kCpacrAddress = 0xE000ED88U;
constexpr std::uint32_t kCpacrFullAccessCp10Cp11 = 0xFU << 20U;

void enable_fpu() {
  auto* cpacr = reinterpret_cast<volatile std::uint32_t*>(kCpacrAddress);
  *cpacr = *cpacr | kCpacrFullAccessCp10Cp11;
  asm volatile("dsb\n\tisb" ::: "memory");
}

}  // namespace

extern "C" [[noreturn]] void Reset_Handler() {
  enable_fpu();
  const std::uint32_t* src = &__data_load;
  for (std::uint32_t* dst = &__data_start; dst < &__data_end;) {
    *dst++ = *src++;
  }
  for (std::uint32_t* dst = &__bss_start; dst < &__bss_end;) {
    *dst++ = 0;
  }
  for (auto** ctor = __init_array_start; ctor < __init_array_end; ++ctor) {
    (*ctor)();
  }
  css::fw::platform_exit(css::fw::run_demo());
}

extern "C" [[noreturn]] void Fault_Handler() {
  css::fw::platform_write("FATAL: hard fault\n");
  css::fw::platform_exit(99);
}

namespace {

using Handler = void (*)();
constexpr int kVectorCount = 16;  // core exceptions only; the demo enables no IRQs

}  // namespace

extern "C" __attribute__((section(".isr_vector"), used))
const Handler kVectorTable[kVectorCount] = {
    reinterpret_cast<Handler>(&__stack_top),  // initial SP
    Reset_Handler,
    Fault_Handler,  // NMI
    Fault_Handler,  // HardFault
    Fault_Handler,  // MemManage
    Fault_Handler,  // BusFault
    Fault_Handler,  // UsageFault
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    Fault_Handler,  // SVCall
    Fault_Handler,  // DebugMonitor
    nullptr,
    Fault_Handler,  // PendSV
    Fault_Handler,  // SysTick
};
