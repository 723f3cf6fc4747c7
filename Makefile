# Jembatan — the two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
ROOT := $(CURDIR)
export LD_LIBRARY_PATH := $(ROOT)/.local/lib$(if $(LD_LIBRARY_PATH),:$(LD_LIBRARY_PATH))

.PHONY: run test setup build lint format test-unit test-integration test-browser test-liveness test-compose test-faults compose-check stop bench bench-ingest bench-pipeline bench-upload

## Set up on first use, build, start the local stack, walk a demo request through every step; Ctrl-C stops it.
run: setup build
	@deploy/local/run.sh

## Every test: the format lint, unit tests, integration tests against a real local stack on their own
## ports, the workspace's browser tests (Chromium, the demo's people), then the short fault run (200 requests
## under kill -9, a paused broker and a PostgreSQL restart).
test: setup compose-check lint
	swift build --build-tests
	swift test --skip-build --skip IntegrationTests
	swift test --skip-build --filter IntegrationTests
	deploy/local/browser.sh
	REQUESTS=200 deploy/local/faults.sh

## The long fault run: 1 000 requests through every step while services are killed, the broker
## paused for 20 s, PostgreSQL restarted and crashed (kill -9) while the broker is frozen, and
## services killed while their relays wait for it; the checker proves nothing was lost or done twice.
test-faults: setup
	swift build
	REQUESTS=$${REQUESTS:-1000} CONCURRENCY=$${CONCURRENCY:-24} FAULTS_ARGS="$${FAULTS_ARGS:---hard}" deploy/local/faults.sh

setup:
	@deploy/local/setup.sh

## The house format (.swift-format, lines up to 120): `make format` rewrites, `make lint` checks.
lint:
	swift format lint --strict --recursive Package.swift Shared Services Tests

format:
	swift format format --in-place --recursive Package.swift Shared Services Tests

build:
	swift build

test-unit: setup
	swift test --skip IntegrationTests

test-integration: setup
	swift build --build-tests
	swift test --skip-build --filter IntegrationTests

## The workspace in a real browser: a stack of its own, the demo's people, Tests/Browser (pytest + Playwright
## driving /usr/bin/chromium); screenshots in .local/test-artifacts/browser/ (see docs/testing.md).
test-browser: setup
	swift build
	deploy/local/browser.sh

## The liveness tests with 20 rounds of "PostgreSQL restarted while the broker is frozen longer than the session timeout".
test-liveness: setup
	swift build --build-tests
	JEMBATAN_STRESS_ROUNDS=$${JEMBATAN_STRESS_ROUNDS:-20} swift test --skip-build --filter LivenessTests

## The same integration tests against `docker compose` (needs Docker; see docs/deployment.md).
test-compose: setup
	swift build --build-tests
	JEMBATAN_STACK=compose JEMBATAN_POSTGRES_PASSWORD=$${JEMBATAN_POSTGRES_PASSWORD:-jembatan-test} swift test --skip-build --filter IntegrationTests

## docker-compose.yml must stay valid for users with Docker.
compose-check:
	JEMBATAN_POSTGRES_PASSWORD=compose-check docker-compose -f docker-compose.yml config -q
	@echo "docker-compose.yml: valid"

## Stop a stack left running by `make run` (normally Ctrl-C does it).
stop:
	@deploy/local/stack.sh down

## Exchange ingest/read benchmark on a release-built stack of its own; figures appended to docs/benchmarks.md (RECORDS=n to change the 1 000 000).
bench-ingest: setup
	swift build -c release
	@deploy/local/bench.sh

## Every benchmark on a release build: the pipeline (vs pgbench, memory, start-to-ready), then ingest/read (vs COPY and raw SQL).
bench: setup
	swift build -c release
	@deploy/local/bench-pipeline.sh
	@deploy/local/bench.sh

## A record file through the workspace's form vs straight to the hub (against `make run`'s stack; MB=30).
bench-upload:
	@.local/venv/bin/python deploy/tools/bench-record-upload.py

bench-pipeline: setup
	swift build -c release
	@deploy/local/bench-pipeline.sh
