# Spur's Spark driver (issue 18): `spur ... --engine spark` starts this once per invocation with
# the PySpark interpreter and talks to it over stdin/stdout, one JSON object per line:
#   {"schema": PATH}                     -> {"columns": [[name, type], ...], "start_timestamp": S|null}
#   {"statements": [SQL], "queries": [SQL]} -> {"results": [[row, ...], ...]}  (one list per query)
#   anything failing                     -> {"error": MESSAGE, "kind": KIND}
# The first line it prints is {"ready": VERSION} or an error. Only JSON goes to the real stdout:
# file descriptor 1 is pointed at stderr before the JVM starts, so nothing else can corrupt it.
# Settings: SPUR_SPARK_CONF="key=value,…" (any Spark setting, e.g. spark.driver.memory=8g),
# SPUR_SPARK_PARTITIONS (shuffle partitions), SPUR_SPARK_TRACE=1 (each statement's time).
import json, os, shutil, socket, sys, time, warnings

warnings.filterwarnings("ignore")

proto = os.fdopen(os.dup(1), "w", buffering=1)
os.dup2(2, 1)
sys.stdout = sys.stderr


def send(obj):
    proto.write(json.dumps(obj) + "\n")
    proto.flush()


def trace(began, sql):
    # SPUR_SPARK_TRACE=1: each statement's time on stderr (spur passes these lines through).
    if os.environ.get("SPUR_SPARK_TRACE"):
        print(f"spur-spark: {time.time() - began:.2f} s  {' '.join(sql.split())[:90]}", file=sys.stderr, flush=True)


def fail(kind, message):
    send({"error": message, "kind": kind})


def java_ok():
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    return bool(java) and os.path.exists(java)


def reachable(master):
    # spark://host:port[,host:port]: a standalone master must accept a connection, else Spark
    # retries for a minute before giving up.
    for hostport in master[len("spark://"):].split(","):
        host, _, port = hostport.rpartition(":")
        try:
            socket.create_connection((host, int(port)), timeout=5).close()
            return None
        except (OSError, ValueError) as e:
            last = f"{hostport}: {e}"
    return last


def main():
    master = sys.argv[1] if len(sys.argv) > 1 else "local[*]"
    try:
        import pyspark
        from pyspark.sql import SparkSession
    except ImportError as e:
        return fail("no-pyspark", f"PySpark is not installed for {sys.executable} ({e})")
    if not java_ok():
        return fail("no-java", "Java (17 or newer) is not installed: no `java` on PATH or in JAVA_HOME")
    if master.startswith("spark://"):
        why = reachable(master)
        if why:
            return fail("unreachable", f"the Spark master {master} is not reachable ({why})")
    builder = (
        SparkSession.builder.master(master)
        .appName("spur")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.jsonGenerator.ignoreNullFields", "false")
    )
    # Local mode: a few shuffle partitions (Spark's 200 cost more than they split on 2 cores);
    # on a cluster, Spark's default unless SPUR_SPARK_PARTITIONS says otherwise.
    partitions = os.environ.get("SPUR_SPARK_PARTITIONS") or ("8" if master.startswith("local") else None)
    if partitions:
        builder = builder.config("spark.sql.shuffle.partitions", partitions)
    for kv in filter(None, os.environ.get("SPUR_SPARK_CONF", "").split(",")):
        k, _, v = kv.partition("=")
        builder = builder.config(k.strip(), v.strip())
    began = time.time()
    try:
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
    except Exception as e:
        return fail("start", f"Spark did not start on master {master}: {str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__}")
    trace(began, "(the session started)")
    send({"ready": pyspark.__version__})
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            if "schema" in req:
                send(schema(spark, req["schema"]))
            else:
                for sql in req.get("statements", []):
                    began = time.time()
                    spark.sql(sql).collect()
                    trace(began, sql)
                results = []
                for sql in req.get("queries", []):
                    began = time.time()
                    rows = spark.sql(sql).toJSON().collect()
                    trace(began, sql)
                    results.append("[" + ",".join(rows) + "]")
                proto.write('{"results":[' + ",".join(results) + "]}\n")
                proto.flush()
        except Exception as e:
            text = str(e).strip()
            fail("sql", text.splitlines()[0] if text else type(e).__name__)
    spark.stop()


def schema(spark, path):
    df = spark.read.parquet(path)
    columns = [[f.name, f.dataType.simpleString()] for f in df.schema.fields]
    start = None
    files = df.inputFiles()
    if files:
        jvm = spark._jvm
        conf = spark._jsc.hadoopConfiguration()
        source = jvm.org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
            jvm.org.apache.hadoop.fs.Path(sorted(files)[0]), conf
        )
        reader = jvm.org.apache.parquet.hadoop.ParquetFileReader.open(source)
        try:
            kv = reader.getFooter().getFileMetaData().getKeyValueMetaData()
            start = kv.get("spur:start_timestamp")
        finally:
            reader.close()
    return {"columns": columns, "start_timestamp": start}


main()
