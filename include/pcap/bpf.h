/* oxpcap: classic BPF: the instruction set filters compile to, the program type, and the
 * interpreter, validator and disassembler.
 *
 * The opcode macros are spelled token for token as in <linux/filter.h> and BSD's
 * <net/bpf.h>, so a program may include either of those together with this header without
 * "macro redefined" warnings. If a system <net/bpf.h> was included first, its definitions
 * are used and this header adds nothing. */
#if !defined(_NET_BPF_H_) && !defined(_NET_BPF_H_INCLUDED) && !defined(_BPF_H_) && \
    !defined(_H_BPF) && !defined(lib_pcap_bpf_h)
#define lib_pcap_bpf_h

#include <sys/types.h> /* u_char, u_short, u_int */
#include <pcap/funcattrs.h>
#include <pcap/dlt.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The BPF revision this header describes (programs compare it against 199406). */
#define BPF_RELEASE 199606

/* 32-bit quantities in BPF programs and savefile headers. */
typedef int bpf_int32;
typedef u_int bpf_u_int32;

/* Rounds x up to BPF's record alignment. */
#define BPF_ALIGNMENT sizeof(bpf_int32)
#define BPF_WORDALIGN(x) (((x)+(BPF_ALIGNMENT-1))&~(BPF_ALIGNMENT-1))

/* A program: bf_len instructions at bf_insns. pcap_compile() fills one in (free it with
 * pcap_freecode()); pcap_setfilter() and pcap_offline_filter() take one. */
struct bpf_program {
    u_int bf_len;
    struct bpf_insn *bf_insns;
};

/* One instruction: an opcode, two relative jump targets for conditional jumps (taken when
 * true / false), and an immediate operand. */
struct bpf_insn {
    u_short code;
    u_char jt;
    u_char jf;
    bpf_u_int32 k;
};

/* Opcode = class | size/operation | mode/source. */

/* Instruction classes: the low three bits. */
#define BPF_CLASS(code) ((code) & 0x07)
#define BPF_LD   0x00   /* A <- operand */
#define BPF_LDX  0x01   /* X <- operand */
#define BPF_ST   0x02   /* M[k] <- A */
#define BPF_STX  0x03   /* M[k] <- X */
#define BPF_ALU  0x04   /* A <- A op operand */
#define BPF_JMP  0x05
#define BPF_RET  0x06   /* accept this many bytes (0: reject) */
#define BPF_MISC 0x07   /* register transfers */

/* Load width. */
#define BPF_SIZE(code) ((code) & 0x18)
#define BPF_W 0x00      /* 32 bits */
#define BPF_H 0x08      /* 16 bits */
#define BPF_B 0x10      /* 8 bits */

/* Load addressing mode. */
#define BPF_MODE(code) ((code) & 0xe0)
#define BPF_IMM 0x00    /* k itself */
#define BPF_ABS 0x20    /* packet[k] */
#define BPF_IND 0x40    /* packet[X + k] */
#define BPF_MEM 0x60    /* scratch memory M[k] */
#define BPF_LEN 0x80    /* the packet's length on the wire */
#define BPF_MSH 0xa0    /* 4 * (packet[k] & 0x0f): an IPv4 header length */

/* ALU and jump operations. */
#define BPF_OP(code) ((code) & 0xf0)
#define BPF_ADD 0x00
#define BPF_SUB 0x10
#define BPF_MUL 0x20
#define BPF_DIV 0x30
#define BPF_OR  0x40
#define BPF_AND 0x50
#define BPF_LSH 0x60
#define BPF_RSH 0x70
#define BPF_NEG 0x80
#define BPF_MOD 0x90
#define BPF_XOR 0xa0

#define BPF_JA   0x00   /* always: pc += k */
#define BPF_JEQ  0x10
#define BPF_JGT  0x20
#define BPF_JGE  0x30
#define BPF_JSET 0x40   /* A & operand != 0 */

/* Operand source of ALU and jump instructions. */
#define BPF_SRC(code) ((code) & 0x08)
#define BPF_K 0x00      /* the constant k */
#define BPF_X 0x08      /* the X register */

/* What a return instruction returns. */
#define BPF_RVAL(code) ((code) & 0x18)
#define BPF_A 0x10      /* the accumulator (BPF_K: the constant k) */

/* Miscellaneous operations. */
#define BPF_MISCOP(code) ((code) & 0xf8)
#define BPF_TAX 0x00    /* X <- A */
#define BPF_TXA 0x80    /* A <- X */

/* Initializers for a struct bpf_insn: a plain statement, and a conditional jump. */
#ifdef BPF_STMT
#undef BPF_STMT
#endif
#define BPF_STMT(code, k) { (u_short)(code), 0, 0, k }
#ifdef BPF_JUMP
#undef BPF_JUMP
#endif
#define BPF_JUMP(code, k, jt, jf) { (u_short)(code), jt, jf, k }

/* Words of scratch memory (M[0] .. M[15]) a program may use. */
#define BPF_MEMWORDS 16

/* bpf_filter, bpf_validate, bpf_image, bpf_dump. */
#include <pcap/prototypes/bpf.h>
#include <pcap/prototypes/pending-bpf.h>

#ifdef __cplusplus
}
#endif

#endif /* lib_pcap_bpf_h and no system <net/bpf.h> */
