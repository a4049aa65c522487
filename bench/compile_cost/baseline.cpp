// Compile cost baseline for with_hvstep.cpp: only <cstdint> and <type_traits>.
#include <cstdint>
#include <type_traits>

int hvstep_compile_cost_anchor() { return 0; }
