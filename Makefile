# 共建 gongjian — the two commands that matter: `make demo` and `make test`.
.PHONY: demo test setup up infra-up infra-down infra-status bench bench-city clean
UV := $(shell command -v uv >/dev/null 2>&1 && echo uv || echo python3 -m uv)

demo: setup
	$(UV) run gongjian demo

test:
	bash deploy/local/scripts/test.sh

setup:
	bash deploy/local/scripts/setup.sh

up: setup
	$(UV) run gongjian up

infra-up: setup
	$(UV) run gongjian infra up

infra-down:
	$(UV) run gongjian infra down

infra-status:
	$(UV) run gongjian infra status

# Long benchmarks: their own command, never part of `make test`.
bench: setup
	bash deploy/local/scripts/bench.sh

# The full city of issue 10 (500 communities, 200,000 members, 1,000,000 demands): hours here.
bench-city: setup
	$(UV) run python benchmarks/city_reads.py --scale 1

clean:
	rm -rf .venv artifacts .pytest_cache
