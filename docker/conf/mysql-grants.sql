-- What Tandem's source (capture) and sink (apply) need on the MySQL region.
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, DROP, RELOAD, REPLICATION SLAVE, REPLICATION CLIENT
  ON *.* TO 'tandem'@'%';
FLUSH PRIVILEGES;
