# fundwatch, run from source: the CLI is TypeScript run through tsx (a runtime dependency), so there
# is no build step. DuckDB's prebuilt binding needs glibc, hence a Debian image, not Alpine.
FROM node:20-slim

WORKDIR /app
ENV NODE_ENV=production

# Dependencies first, so a source change does not reinstall them. tsx is in "dependencies", so the
# dev tools (vitest, typescript, prettier) can be left out.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .

# The DuckDB file lives here (FUNDWATCH_DB defaults to ./data/fundwatch.duckdb): mount a volume on it.
VOLUME ["/app/data"]

ENTRYPOINT ["node", "bin/fundwatch.js"]
CMD ["--help"]
