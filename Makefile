# Day-to-day commands. The Docker targets need Docker Compose v2 (`docker compose`).
.PHONY: up down logs test dev bench

up:
	docker compose up -d --build

down:
	docker compose down

logs:
	docker compose logs -f

test:
	npm test

dev:
	npm run dev

bench:
	npm run bench
