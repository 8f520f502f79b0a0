# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY dev ./dev
RUN npm run build

# Runtime stage: production dependencies and the compiled worker only.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    WORKER_HTTP_PORT=9464
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY examples ./examples
USER node
EXPOSE 9464
# /healthz answers 200 while the process is alive and polling or draining.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.WORKER_HTTP_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form, no shell in between: node runs as PID 1 and receives SIGTERM itself; the worker
# handles it (drains tasks in flight), since PID 1 gets no default signal handlers.
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["start"]
