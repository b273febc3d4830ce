//! The flags of `spur reco …` as clap declares them: one subcommand per verb, all sharing
//! [`RecoArgs`] (each verb reads the flags it needs, as before).

/// `spur reco …`: checkout recommendations.
#[derive(clap::Subcommand, Debug)]
pub enum RecoCommand {
    /// A synthetic shop: -o DIR [--sessions N] [--items N] [--seed S] writes clicks.csv,
    /// catalog.csv, profiles.ndjson, truth.json.
    Generate(RecoArgs),
    /// Next-item protocol on TRAIN [TEST]: HR@k, MRR@k, coverage, popularity bias; popularity
    /// and item-kNN baselines; --chart writes the HR@k / MRR@k curves (k = 1…50).
    Evaluate(RecoArgs),
    /// Train the model artifact: LOG -o MODEL.
    Train(RecoArgs),
    /// Recommendations for a session: MODEL --clicks A,B,C [--basket X,Y] [--k 10].
    Recommend(RecoArgs),
    /// Timings (JSON) of import, train, artifact and scoring on LOG [--repeats N].
    Bench(RecoArgs),
}

/// The flags of `spur reco …` (each subcommand reads those it needs).
#[derive(clap::Args, Debug)]
pub struct RecoArgs {
    /// TRAIN [TEST], LOG or MODEL, as the subcommand reads.
    #[arg(value_name = "FILE")]
    pub files: Vec<String>,
    /// The session column.
    #[arg(long, value_name = "COL")]
    pub session: Option<String>,
    /// The item column.
    #[arg(long, value_name = "COL")]
    pub item: Option<String>,
    /// The time column.
    #[arg(long, value_name = "COL")]
    pub time: Option<String>,
    /// The customer column.
    #[arg(long, value_name = "COL")]
    pub customer: Option<String>,
    /// The event type column.
    #[arg(long, value_name = "COL")]
    pub event_type: Option<String>,
    /// The category column.
    #[arg(long, value_name = "COL")]
    pub category: Option<String>,
    /// The price column.
    #[arg(long, value_name = "COL")]
    pub price: Option<String>,
    /// The in-stock column.
    #[arg(long, value_name = "COL")]
    pub in_stock: Option<String>,
    /// evaluate with one file: the sessions of the last N days are the test (default 1).
    #[arg(long, value_name = "N")]
    pub test_days: Option<f64>,
    /// Recommendations per request (evaluate: the cut-off of HR@k, default 20).
    #[arg(long, value_name = "N")]
    pub k: Option<usize>,
    /// Random seed.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// The directory (generate) or model (train) to write.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub out: Option<String>,
    /// generate: sessions.
    #[arg(long, value_name = "N", default_value_t = 20_000)]
    pub sessions: usize,
    /// generate: items.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub items: usize,
    /// recommend: the session's clicks, separated by commas.
    #[arg(long, value_name = "A,B,C")]
    pub clicks: Option<String>,
    /// recommend: the basket, separated by commas.
    #[arg(long, value_name = "X,Y")]
    pub basket: Option<String>,
    /// recommend: items out of stock, separated by commas.
    #[arg(long, value_name = "X,Y")]
    pub out_of_stock: Option<String>,
    /// recommend: the customer's profile (NDJSON line file).
    #[arg(long = "customer-profile", value_name = "FILE")]
    pub profile: Option<String>,
    /// recommend: at most N items of one category.
    #[arg(long, value_name = "N")]
    pub max_per_category: Option<usize>,
    /// recommend: basket items may be recommended.
    #[arg(long)]
    pub keep_basket: bool,
    /// Fix the blend weights KNN,RULES,REPEAT,POP instead of tuning them (evaluate, train).
    #[arg(long, value_name = "KNN,RULES,REPEAT,POP")]
    pub blend: Option<String>,
    /// bench: runs.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub repeats: usize,
    /// evaluate: write the HR@k / MRR@k curves as SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<String>,
}
