FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY directory ./directory
COPY ingest ./ingest
COPY scoring ./scoring
COPY schema ./schema
COPY cli ./cli
COPY data/sample ./data/sample
RUN pip install --no-cache-dir .
ENV PROVNET_HOST=0.0.0.0 PROVNET_PORT=8000
EXPOSE 8000
# Create the schema, load the bundled sample when asked, then serve.
CMD ["sh", "-c", "provnet db init && if [ \"${PROVNET_LOAD_SAMPLE:-1}\" = 1 ]; then provnet sample load; fi && exec provnet serve"]
