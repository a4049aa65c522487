// Prints, as JSON, the VMCS/VMCB field accesses of every case of the benchmark table whose
// accesses can be counted: hvstep and the floor for all three policies, and the VMX baselines
// (the SVM baselines touch the VMCB layout directly). tests/unit/perf_access_counts_test.cpp
// asserts hvstep's against the floor's; scripts/bench_report.py puts these in the table.

#include <cstdio>
#include <string>
#include <vector>

#include "../baselines/kvm_style.hpp"
#include "../baselines/vbox_style.hpp"
#include "../baselines/xen_style.hpp"
#include "counting.hpp"

namespace {

using namespace hvstep_bench;
using namespace hvstep_bench::counting;

bool first = true;

void print(const std::string& name, const accesses& a) {
    auto list = [](const std::vector<std::string>& v) {
        std::string out = "[";
        for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", \"" : "\"") + v[i] + "\"";
        return out + "]";
    };
    std::printf("%s  \"%s\": {\"reads\": %s, \"writes\": %s}", first ? "" : ",\n", name.c_str(),
                list(a.reads).c_str(), list(a.writes).c_str());
    first = false;
}

template <policy P, exit_kind K>
void one() {
    const std::string stem = std::string("exit/") + name(P) + "/" + name(K) + "/";
    print(stem + "hvstep", hvstep_outcome<P, K>().used);
    print(stem + "floor", floor_outcome<P, K>().used);
    const std::uint32_t exceptions = guest_setup{}.hypervisor_exceptions;
    if constexpr (P == policy::vmx_mtf) {
        print(
            stem + "xen-style",
            measure_vmx_impl<P, K>(baseline::xen_style_mtf<logged_vmcs>{vmx::typical_primary_controls}).used);
        print(stem + "vbox-style",
              measure_vmx_impl<P, K>(
                  baseline::vbox_style_vmx<logged_vmcs>{true, vmx::typical_primary_controls, exceptions})
                  .used);
    } else if constexpr (P == policy::vmx_tf) {
        print(stem + "kvm-style",
              measure_vmx_impl<P, K>(baseline::kvm_style_vmx<logged_vmcs>{exceptions}).used);
        print(stem + "vbox-style",
              measure_vmx_impl<P, K>(
                  baseline::vbox_style_vmx<logged_vmcs>{false, vmx::typical_primary_controls, exceptions})
                  .used);
    }
}

template <policy P, unsigned... Ks>
void kinds(std::integer_sequence<unsigned, Ks...>) {
    (one<P, static_cast<exit_kind>(Ks)>(), ...);
}

}  // namespace

int main() {
    std::printf("{\n");
    kinds<policy::vmx_mtf>(std::make_integer_sequence<unsigned, exit_kind_count>{});
    kinds<policy::vmx_tf>(std::make_integer_sequence<unsigned, exit_kind_count>{});
    kinds<policy::svm_tf>(std::make_integer_sequence<unsigned, exit_kind_count>{});
    std::printf("\n}\n");
    return 0;
}
