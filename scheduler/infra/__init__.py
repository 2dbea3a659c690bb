"""Infrastructure: the database engine's migrations, Redis (embedded or not) and its queues, outbound
connections, secrets at rest, and the process tree of `refrain serve`. No use cases live here."""
