# Day-to-day commands. The Docker targets need Docker Compose v2 (`docker compose`).
.PHONY: up down logs test dev bench

up: .env
	docker compose up -d --build

# Random production secrets on first `make up`; kept afterwards (sessions survive restarts).
.env:
	printf 'JWT_SECRET=%s\nTOTP_ENCRYPTION_KEY=%s\n' "$$(openssl rand -base64 48 | tr -d '\n')" "$$(openssl rand -hex 32)" > .env
	chmod 600 .env

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
