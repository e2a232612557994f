"""Background jobs on a queue: the RQ seam (`queue`), the record of jobs handed to it
(`models.PendingJob`), the sweep that re-queues what a crash or a Redis outage left behind
(`sweep`), the periodic work (`periodic`) and the `flask worker` / `flask scheduler` /
`flask jobs …` commands (`cli`). `marketplace.tasks` stays the one place services call."""
