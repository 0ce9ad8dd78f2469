# oxpcap: libpcap.so from Rust.
#   make            build target/release/libpcap.so and libpcap.a
#   make demo       build, then show it working
#   make test       everything CI checks (installs missing Debian packages when run as root)
#   make install    PREFIX, LIBDIR, INCLUDEDIR, BINDIR, DESTDIR are honoured
#   make header     regenerate the cbindgen prototypes after changing an exported signature

CARGO      ?= cargo
PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BINDIR     ?= $(PREFIX)/bin
DESTDIR    ?=
VERSION    := 1.10.3

LIB := target/release/libpcap.so

.PHONY: all demo test deps lint rust-test ctests compat header bench install uninstall clean FORCE

all: $(LIB)

$(LIB): FORCE
	$(CARGO) build --release

demo: all
	bash scripts/demo.sh

deps:
	bash scripts/ensure-deps.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings

rust-test:
	$(CARGO) test --release

ctests: all
	bash ctests/run.sh

compat: all
	bash compat/run.sh

test: deps lint rust-test ctests compat
	@echo "make test: all passed"

bench: all
	bash bench/savefile/run.sh

header:
	OXPCAP_BLESS=1 $(CARGO) test --release --test header_drift

clean:
	$(CARGO) clean
	rm -rf ctests/out
