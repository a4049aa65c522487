# DR7.GD: the next MOV DR faults with BD; delivery clears GD so the handler can read DR6.
# rule: DbDisposition.GuestConditionsCarryNoHypervisorBs (BD is the guest's), x86 #DB fault class
# HVSTEP BUG: svm-tf: transparency (DR7.GD): the #DB intercept of hvstep's single-step trap after the MOV to DR7 that sets GD clears that GD before the exit (APM Vol. 2 §15.12.2: DR6/DR7 are updated before the #DB intercept; SDM Vol. 3B §18.2.4: a #DB clears GD). Since cfe37a9 hvstep restores the GD it recorded at entry, but here the stepped instruction itself set GD (recorded 0), so the guest's next MOV DR does not fault with BD. Restoring GD from the value a stepped MOV to DR7 wrote (or intercepting DR7 writes while armed) would close it.
        .intel_syntax noprefix
        .include "abi.inc"
        .text
start:
        mov rax, 0x2400
        mov dr7, rax
        mov rbx, dr0
        mov rcx, dr7
        mov qword ptr [DATA], rcx
        guest_exit 0
