# bench.mk - `make bench` (included by the Makefile): bench/run.sh runs every
# bench/bench-*.sh, prints a table and writes bench/results.md.
BENCH_BUILD := $(BUILD)/bench
BENCH_POOL  := $(BENCH_BUILD)/pool/.done

.PHONY: bench
$(BENCH_BUILD)/gen_pool: bench/gen_pool.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS) $(LDLIBS)

$(BENCH_BUILD)/bulk: bench/bulk.c $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBA) $(LDFLAGS) $(LDLIBS)

$(BENCH_BUILD)/fleet_floor: bench/fleet_floor.c $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBA) $(LDFLAGS) $(LDLIBS)

$(BENCH_BUILD)/gen_samename: bench/gen_samename.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LDFLAGS) $(LDLIBS)

# The generated pool is cached: delete build/bench/pool to make a new one.
$(BENCH_POOL): $(BENCH_BUILD)/gen_pool
	rm -rf $(dir $@)
	$(BENCH_BUILD)/gen_pool $(dir $@)
	touch $@

bench: $(BIN) $(IDX) $(BENCH_BUILD)/bulk $(BENCH_POOL) $(BENCH_BUILD)/fleet_floor \
       $(BENCH_BUILD)/gen_samename
	@CERTCHAIN="$(abspath $(BIN))" BENCH_BUILD="$(abspath $(BENCH_BUILD))" \
	  BENCH_TOOLS="$(abspath $(BENCH_BUILD))" \
	  SHARED_DATA="$${CERTCHAIN_SHARED_DATA:-$(abspath ..)/shared/data}" bash bench/run.sh
