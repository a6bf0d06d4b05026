//! tokio-cron-scheduler alone, as the daemon runs it (a current-thread
//! runtime, one scheduler started, one one-shot job a day ahead), idle:
//! the baseline `bench/idle_wakeups.sh` measures the daemon against.

use std::time::{Duration, Instant};

use tokio_cron_scheduler::{Job, JobScheduler};

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let scheduler = JobScheduler::new().await.expect("a scheduler");
        scheduler.start().await.expect("started");
        let job = Job::new_one_shot_at_instant_async(
            Instant::now() + Duration::from_secs(86_400),
            |_, _| Box::pin(async {}),
        )
        .expect("a job");
        scheduler.add(job).await.expect("armed");
        println!("ready");
        std::future::pending::<()>().await;
    });
}
