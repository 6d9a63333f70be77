-- A copy of the database (test, staging) must not talk to the marketplaces with the production
-- API keys: archive the Marketplaces, stop their scheduled actions, cancel their waiting jobs.
UPDATE mirakl_instance
   SET active = false;

UPDATE ir_cron
   SET active = false
 WHERE id IN (SELECT cron_id FROM mirakl_instance_flow WHERE cron_id IS NOT NULL);

UPDATE queue_job
   SET state = 'cancelled',
       date_cancelled = now() at time zone 'UTC'
 WHERE mirakl_instance_id IS NOT NULL
   AND state IN ('wait_dependencies', 'pending', 'enqueued');
