FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY cli ./cli
COPY directory ./directory
COPY ingest ./ingest
COPY scoring ./scoring
COPY schema ./schema
COPY data/sample ./data/sample
RUN pip install --no-cache-dir . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin provnet \
    && mkdir -p /app/data/store && chown -R provnet /app/data
USER provnet
ENV PROVNET_HOST=0.0.0.0 PROVNET_PORT=8000 PROVNET_STORE=sqlite:////app/data/store/provnet.db
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=5 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
# Create the schema, load the bundled sample on the first start only (PROVNET_LOAD_SAMPLE=0 never), then serve.
CMD ["sh", "-c", "provnet db init && if [ \"${PROVNET_LOAD_SAMPLE:-1}\" = 1 ]; then provnet sample load --if-empty; fi && exec provnet serve"]
