"""Running background jobs (app level): the sweep that re-queues what a crash or a Redis outage
left behind (`sweep`), the periodic work (`periodic`), the failed-jobs page's services
(`admin`) and the `flask worker` / `flask scheduler` / `flask jobs …` commands (`cli`).
The queue itself is the shared seam `marketplace.queue`; services only call `marketplace.tasks`."""
