// hvstep-trace: steps a guest program (a flat binary of 64-bit code, docs/guest-abi.md) under
// svm-tf, vmx-mtf and vmx-tf in the reference simulator, prints per step the RIP, the
// instruction, the exit, hvstep's decision and what the guest sees, then the transparency
// verdict against a native run. Output formats: docs/trace-format.md.
//
//   hvstep-trace [--policy svm-tf|vmx-mtf|vmx-tf]... [--json] [--guest-arms] [--quiet] FILE
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <hvstep/sim/checker.hpp>

namespace {
using namespace hvstep::sim;

std::string json_escape(const std::string& s) {
    std::string o;
    for (char ch : s) {
        if (ch == '"' || ch == '\\') o += '\\';
        o += ch;
    }
    return o;
}

std::string clients_json(hvstep::core::client_set c) {
    std::string s = "[";
    const char* names[] = {"debugger", "introspection", "nmi-window", "client3", "client4", "client5", "client6", "client7"};
    for (unsigned k = 0; k < 8; ++k)
        if (c.contains(k)) s += std::string(s.size() > 1 ? "," : "") + "\"" + names[k] + "\"";
    return s + "]";
}

void print_text(policy p, const checked_run& r, bool quiet) {
    std::printf("=== %s ===\n", policy_name(p));
    if (!quiet) {
        std::printf("%5s %-10s %-22s %-34s %-9s %s\n", "step", "rip", "stepped", "exit", "guest TF", "decision / guest sees");
        for (const step_record& s : r.stepped.steps) {
            std::string sees;
            for (std::size_t k = s.events_before; k < s.events_after && k < r.stepped.events.size(); ++k) {
                const guest_event& g = r.stepped.events[k];
                sees += " | guest gets " + event_name(g.vector) + " (pushed RIP " + hex(g.pushed_rip) + ", RFLAGS " + hex(g.pushed_rflags) +
                        (g.vector == 1 ? ", DR6 " + hex(g.dr6) : std::string()) + ")";
            }
            std::printf("%5llu %-10s %-22s %-34s TF=%-6d %s%s\n", static_cast<unsigned long long>(s.exit_no), hex(s.rip).c_str(),
                        s.stepped.c_str(), s.exit.c_str(), (s.guest_rflags >> 8) & 1 ? 1 : 0, s.decision.c_str(), sees.c_str());
        }
    }
    const verdict& v = r.v;
    std::printf("verdict %s: %s, %s; %llu step reports, %llu native boundaries",
                policy_name(p), v.transparent ? "transparent" : "NOT TRANSPARENT", v.complete ? "complete" : "INCOMPLETE",
                static_cast<unsigned long long>(v.steps), static_cast<unsigned long long>(v.boundaries));
    if (v.unstepped_after_delivery)
        std::printf(" (%llu run unstepped after event deliveries: a TF step cannot follow an event into its handler)",
                    static_cast<unsigned long long>(v.unstepped_after_delivery));
    std::printf("; guest %s\n", r.stepped.end.c_str());
    for (const std::string& d : v.differences) std::printf("  difference: %s\n", d.c_str());
}

void print_json(policy p, const checked_run& r) {
    const char* pn = policy_name(p);
    std::size_t next_event = 0;
    auto events_upto = [&](std::size_t end) {
        for (; next_event < end && next_event < r.stepped.events.size(); ++next_event) {
            const guest_event& g = r.stepped.events[next_event];
            std::printf("{\"type\":\"event\",\"policy\":\"%s\",\"vector\":%u,\"name\":\"%s\",\"error_code\":%s,\"pushed_rip\":\"%s\","
                        "\"pushed_rflags\":\"%s\",\"dr6\":\"%s\",\"boundary\":%llu,\"injected\":%s}\n",
                        pn, g.vector, event_name(g.vector).c_str(), g.has_error ? std::to_string(g.error).c_str() : "null",
                        hex(g.pushed_rip).c_str(), hex(g.pushed_rflags).c_str(), hex(g.dr6).c_str(),
                        static_cast<unsigned long long>(g.boundary), g.injected ? "true" : "false");
        }
    };
    for (const step_record& s : r.stepped.steps) {
        events_upto(s.events_after);
        const hvstep::core::step_report& rep = s.report.any() ? s.report : s.emulation_report;
        std::printf("{\"type\":\"step\",\"policy\":\"%s\",\"n\":%llu,\"rip\":\"%s\",\"stepped\":\"%s\",\"exit\":\"%s\",\"decision\":\"%s\","
                    "\"report\":%s,\"boundary\":%llu,\"guest_tf\":%d}\n",
                    pn, static_cast<unsigned long long>(s.exit_no), hex(s.rip).c_str(), json_escape(s.stepped).c_str(),
                    json_escape(s.exit).c_str(), json_escape(s.decision).c_str(),
                    rep.any() ? ("{\"clients\":" + clients_json(rep.clients) + ",\"cause\":\"" + cause_name(rep.cause) + "\",\"rip\":\"" + hex(rep.rip) + "\"}").c_str() : "null",
                    static_cast<unsigned long long>(s.boundary), static_cast<int>((s.guest_rflags >> 8) & 1));
    }
    events_upto(r.stepped.events.size());
    std::string diffs = "[";
    for (const std::string& d : r.v.differences) diffs += std::string(diffs.size() > 1 ? "," : "") + "\"" + json_escape(d) + "\"";
    diffs += "]";
    std::printf("{\"type\":\"verdict\",\"policy\":\"%s\",\"transparent\":%s,\"complete\":%s,\"steps\":%llu,\"boundaries\":%llu,"
                "\"unstepped_after_delivery\":%llu,\"end\":\"%s\",\"differences\":%s}\n",
                pn, r.v.transparent ? "true" : "false", r.v.complete ? "true" : "false", static_cast<unsigned long long>(r.v.steps),
                static_cast<unsigned long long>(r.v.boundaries), static_cast<unsigned long long>(r.v.unstepped_after_delivery),
                json_escape(r.stepped.end).c_str(), diffs.c_str());
}

int usage() {
    std::fprintf(stderr, "usage: hvstep-trace [--policy svm-tf|vmx-mtf|vmx-tf]... [--json] [--guest-arms] [--quiet] FILE\n"
                         "  FILE: a flat binary of 64-bit code loaded at 0x10000 (docs/guest-abi.md)\n"
                         "  --guest-arms: arm nothing up front; the guest arms clients through port 0xF0\n");
    return 2;
}
}  // namespace

int main(int argc, char** argv) {
    std::vector<policy> policies;
    bool json = false, quiet = false, guest_arms = false;
    std::string file;
    for (int k = 1; k < argc; ++k) {
        const std::string a = argv[k];
        if (a == "--json") json = true;
        else if (a == "--quiet") quiet = true;
        else if (a == "--guest-arms") guest_arms = true;
        else if (a == "--policy" && k + 1 < argc) {
            const std::string p = argv[++k];
            if (p == "svm-tf") policies.push_back(policy::svm_tf);
            else if (p == "vmx-mtf") policies.push_back(policy::vmx_mtf);
            else if (p == "vmx-tf") policies.push_back(policy::vmx_tf);
            else return usage();
        } else if (!a.empty() && a[0] == '-') return usage();
        else file = a;
    }
    if (file.empty()) return usage();
    if (policies.empty()) policies = {policy::svm_tf, policy::vmx_mtf, policy::vmx_tf};
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "hvstep-trace: cannot read %s\n", file.c_str());
        return 2;
    }
    const std::vector<std::uint8_t> program((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bool all_ok = true;
    std::vector<checked_run> runs;
    for (policy p : policies) {
        run_config cfg;
        cfg.pol = p;
        cfg.arm_introspection = !guest_arms;
        checked_run r = check(program, cfg);
        all_ok = all_ok && r.v.ok() && r.stepped.ok;
        if (json) print_json(p, r);
        else print_text(p, r, quiet);
        runs.push_back(std::move(r));
    }
    if (!json && policies.size() > 1) {
        std::printf("\n%-8s %-12s %-10s %6s %10s %s\n", "policy", "transparent", "complete", "steps", "boundaries", "guest");
        for (std::size_t k = 0; k < runs.size(); ++k)
            std::printf("%-8s %-12s %-10s %6llu %10llu %s\n", policy_name(policies[k]), runs[k].v.transparent ? "yes" : "NO",
                        runs[k].v.complete ? "yes" : "NO", static_cast<unsigned long long>(runs[k].v.steps),
                        static_cast<unsigned long long>(runs[k].v.boundaries), runs[k].stepped.end.c_str());
    }
    return all_ok ? 0 : 1;
}
