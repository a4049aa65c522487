// hvstep_scenario: runs one scenario of tests/scenarios/ under svm-tf, vmx-mtf and vmx-tf in
// the reference simulator and compares with its .expect file (docs/testing.md, "Scenarios").
//   hvstep_scenario SCENARIO.bin SCENARIO.S SCENARIO.expect [--policy P] [--update]
// With --policy only that policy's two lines (events, verdict and trace) are compared (ctest runs one test
// per scenario and policy, so a policy marked `# HVSTEP BUG: <policy>: ...` fails alone).
// The .S file's directives (`# arm: ...`) say how the simulated hypervisor arms; the .expect
// file holds the guest events the native run must deliver and, per policy, the verdict and the
// step trace (see tests/scenarios/README.md).
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <hvstep/sim/checker.hpp>

namespace {
using namespace hvstep::sim;

// Step reports as runs of <cause><boundary>, e.g. "I1-4 E5 D6"; a report for clients other than
// the introspection client alone carries them: "I5{d,i}" (d debugger, i introspection, n NMI window).
std::string trace_tokens(const run_output& o, policy p) {
    struct token {
        char cause;
        std::uint64_t boundary;
        std::string clients;
    };
    std::vector<token> t;
    const bool tf = p != policy::vmx_mtf;
    for (const step_record& r : o.steps) {
        auto add = [&](const hvstep::core::step_report& rep, std::uint64_t b) {
            char c = '?';
            switch (rep.cause) {
                case hvstep::core::step_cause::instruction: c = 'I'; break;
                case hvstep::core::step_cause::branch: c = 'B'; break;
                case hvstep::core::step_cause::emulated_instruction: c = 'E'; break;
                case hvstep::core::step_cause::event_delivery: c = 'D'; break;
                case hvstep::core::step_cause::host_breakpoint: c = 'H'; break;
                default: break;
            }
            std::string who;
            if (rep.clients != hvstep::core::client_set::only(hvstep::core::clients::introspection)) {
                const char* names[] = {"d", "i", "n", "3", "4", "5", "6", "7"};
                for (unsigned k = 0; k < 8; ++k)
                    if (rep.clients.contains(k)) who += std::string(who.empty() ? "{" : ",") + names[k];
                who += "}";
            }
            t.push_back(token{c, b, who});
        };
        if (r.report.any()) add(r.report, r.boundary + (tf && r.report.cause == hvstep::core::step_cause::event_delivery ? 1 : 0));
        if (r.emulation_report.any()) add(r.emulation_report, r.boundary);
    }
    std::string s;
    for (std::size_t k = 0; k < t.size();) {
        std::size_t j = k;
        while (j + 1 < t.size() && t[j + 1].cause == t[k].cause && t[j + 1].clients == t[k].clients &&
               t[j + 1].boundary == t[j].boundary + 1)
            ++j;
        s += (s.empty() ? "" : " ") + std::string(1, t[k].cause) + std::to_string(t[k].boundary);
        if (j > k) s += "-" + std::to_string(t[j].boundary);
        s += t[k].clients;
        k = j + 1;
    }
    return s.empty() ? "-" : s;
}

std::string events_text(const std::vector<guest_event>& ev) {
    std::string s;
    for (const guest_event& g : ev) {
        s += (s.empty() ? "" : " ") + event_name(g.vector) + "@" + hex(g.pushed_rip);
        if (g.vector == 1) s += "/dr6=" + hex(g.dr6);
    }
    return s.empty() ? "-" : s;
}

std::string read(const std::string& f) {
    std::ifstream in(f);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: hvstep_scenario SCENARIO.bin SCENARIO.S SCENARIO.expect [--update]\n");
        return 2;
    }
    bool update = false;
    std::string only;
    for (int k = 4; k < argc; ++k) {
        const std::string a = argv[k];
        if (a == "--update") update = true;
        else if (a == "--policy" && k + 1 < argc) only = argv[++k];
    }
    std::ifstream bin(argv[1], std::ios::binary);
    const std::vector<std::uint8_t> program((std::istreambuf_iterator<char>(bin)), std::istreambuf_iterator<char>());
    // Directives in the source: "# arm: guest" (the guest arms through port 0xF0),
    // "# arm: step-into" (vmx-mtf arms with core::step_into_events).
    const std::string source = read(argv[2]);
    run_config base;
    if (source.find("# arm: guest") != std::string::npos) base.arm_introspection = false;
    if (source.find("# arm: step-into") != std::string::npos) base.step_into_events = true;

    std::ostringstream actual;
    for (policy p : {policy::svm_tf, policy::vmx_mtf, policy::vmx_tf}) {
        run_config cfg = base;
        cfg.pol = p;
        const checked_run r = check(program, cfg);
        actual << policy_name(p) << " events: " << events_text(r.native.events) << "\n";
        actual << policy_name(p) << ": " << (r.v.transparent ? "transparent" : "NOT-transparent") << " "
               << (r.v.complete ? "complete" : "INCOMPLETE") << " end=" << (r.stepped.ok ? "ended" : "failed")
               << " trace=" << trace_tokens(r.stepped, p) << "\n";
        for (const std::string& d : r.v.differences) actual << "#   " << policy_name(p) << " difference: " << d << "\n";
        if (!r.stepped.ok) actual << "#   " << policy_name(p) << " end: " << r.stepped.end << "\n";
    }
    if (update) {
        std::ofstream(argv[3]) << actual.str();
        std::printf("%s", actual.str().c_str());
        return 0;
    }
    // Compare non-comment lines; "trace=*" in the expectation accepts any trace.
    auto lines = [](const std::string& text) {
        std::vector<std::string> v;
        std::istringstream in(text);
        for (std::string l; std::getline(in, l);)
            if (!l.empty() && l[0] != '#') v.push_back(l);
        return v;
    };
    auto keep = [&](std::vector<std::string> v) {
        if (only.empty()) return v;
        std::vector<std::string> o;
        for (const std::string& l : v)
            if (l.rfind(only + ":", 0) == 0 || l.rfind(only + " events:", 0) == 0) o.push_back(l);
        return o;
    };
    const auto want = keep(lines(read(argv[3]))), got = keep(lines(actual.str()));
    bool same = want.size() == got.size();
    for (std::size_t k = 0; same && k < want.size(); ++k) {
        const auto star = want[k].find("trace=*");
        same = star != std::string::npos ? got[k].compare(0, star, want[k], 0, star) == 0 : want[k] == got[k];
    }
    if (!same) {
        std::printf("scenario %s: expected\n%s\ngot\n%s", argv[2], read(argv[3]).c_str(), actual.str().c_str());
        return 1;
    }
    std::printf("%s", actual.str().c_str());
    return 0;
}
