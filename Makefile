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

.PHONY: all demo test deps lint rust-test ctests compat header bench bench-report install uninstall clean FORCE

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

# Every benchmark under bench/ (each bench/NAME/run.sh or bench/NAME/Cargo.toml; a new one is
# picked up automatically), then docs/bench.md and the SVG plots from their RESULT lines.
bench: all
	bash scripts/bench-report.sh

bench-report:
	bash scripts/bench-report.sh --report

header:
	OXPCAP_BLESS=1 $(CARGO) test --release --test header_drift

# Install: the library under libpcap's file names (libpcap.so.1 is our SONAME; libpcap.so.0.8
# is Debian's, so installed Debian programs load us once the loader finds this directory
# first), the static library, the headers, libpcap.pc and pcap-config. Modes as Debian's
# (shared library 0644).
# `make && sudo make install` builds as the user; install itself builds only if cargo is there.
MULTIARCH    := $(shell $(CC) -print-multiarch 2>/dev/null)
DEFAULT_LIBS := /usr/lib /lib $(if $(MULTIARCH),/usr/lib/$(MULTIARCH) /lib/$(MULTIARCH))
# What libpcap.a needs besides libc (rustc --print native-static-libs for this target).
STATIC_LIBS  := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
# -L and a run path only for a library outside the linker's default directories.
LIBDIR_FLAGS := $(if $(filter $(LIBDIR),$(DEFAULT_LIBS)),,-L$(LIBDIR) -Wl,-rpath,$(LIBDIR))
PC_RPATH     := $(if $(filter $(LIBDIR),$(DEFAULT_LIBS)),,-Wl,-rpath,$${libdir} )
# libpcap.pc names its directories relative to ${prefix} where it can, so that pkg-config
# --define-prefix can relocate it.
PC_LIBDIR     := $(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))
PC_INCLUDEDIR := $(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))
SUBST = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
	-e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
	-e 's|@PC_LIBDIR@|$(PC_LIBDIR)|g' -e 's|@PC_INCLUDEDIR@|$(PC_INCLUDEDIR)|g' \
	-e 's|@LIBS_STATIC@|$(STATIC_LIBS)|g' -e 's|@LIBDIR_FLAGS@|$(LIBDIR_FLAGS)|g' \
	-e 's|@RPATH@|$(PC_RPATH)|g'
INSTALLED_LIBS := libpcap.so.$(VERSION) libpcap.so.1 libpcap.so.0.8 libpcap.so libpcap.a

install:
	@if command -v $(CARGO) >/dev/null 2>&1; then $(CARGO) build --release; \
	elif [ ! -f $(LIB) ]; then echo "make install: run 'make' first (no cargo here)"; exit 1; fi
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(INCLUDEDIR)/pcap/prototypes
	install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libpcap.so.$(VERSION)
	ln -sf libpcap.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libpcap.so.1
	ln -sf libpcap.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libpcap.so.0.8
	ln -sf libpcap.so.1 $(DESTDIR)$(LIBDIR)/libpcap.so
	install -m 644 target/release/libpcap.a $(DESTDIR)$(LIBDIR)/libpcap.a
	install -m 644 include/*.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 include/pcap/*.h $(DESTDIR)$(INCLUDEDIR)/pcap/
	install -m 644 include/pcap/prototypes/*.h $(DESTDIR)$(INCLUDEDIR)/pcap/prototypes/
	$(SUBST) pkgconfig/libpcap.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/libpcap.pc
	$(SUBST) pkgconfig/pcap-config.in > $(DESTDIR)$(BINDIR)/pcap-config
	chmod 755 $(DESTDIR)$(BINDIR)/pcap-config
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi

uninstall:
	rm -f $(addprefix $(DESTDIR)$(LIBDIR)/,$(INSTALLED_LIBS)) \
		$(DESTDIR)$(LIBDIR)/pkgconfig/libpcap.pc $(DESTDIR)$(BINDIR)/pcap-config
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/,$(notdir $(wildcard include/*.h)))
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/pcap/,$(notdir $(wildcard include/pcap/*.h)))
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/pcap/prototypes/,\
		$(notdir $(wildcard include/pcap/prototypes/*.h)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/pcap/prototypes $(DESTDIR)$(INCLUDEDIR)/pcap 2>/dev/null
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi

clean:
	$(CARGO) clean
	rm -rf ctests/out

# Debian packaging (scripts/build-deb.sh, packaging/debian/): liboxpcap0.8 + liboxpcap-dev in
# target/deb/; deb-test installs and removes them in a debootstrap root (never on this machine);
# compat-source rebuilds tcpdump, arpwatch and iftop from Debian's sources against oxpcap.
.PHONY: deb deb-test compat-source
deb:
	bash scripts/build-deb.sh

deb-test: deb
	bash compat/deb-test.sh

compat-source:
	bash compat/source-rebuild.sh
