//! The private PostgreSQL that `make run` and the tests start: reachable only with its password.

use std::os::unix::fs::PermissionsExt;

use server::database::{PrivateCluster, PASSWORD_FILE};
use sqlx::Connection;

#[tokio::test]
async fn the_private_cluster_wants_its_generated_password() {
    let dir = std::env::temp_dir().join(format!("baedal-cluster-test-{}", uuid::Uuid::new_v4()));
    let cluster = PrivateCluster::start(&dir, None).expect("a new cluster starts");

    let kept = cluster.data_dir().join(PASSWORD_FILE);
    let mode = std::fs::metadata(&kept)
        .expect("the password is kept")
        .permissions()
        .mode();
    assert_eq!(
        mode & 0o777,
        0o600,
        "only the cluster's account reads the password"
    );

    let url = cluster.url("postgres");
    let with_password = sqlx::PgConnection::connect(&url).await;
    let without = reqwest::Url::parse(&url)
        .map(|mut u| {
            u.set_password(None).expect("a URL with a host");
            u.to_string()
        })
        .expect("a URL");
    let without_password = sqlx::PgConnection::connect(&without).await;
    cluster.stop().expect("the cluster stops");
    let _ = std::fs::remove_dir_all(&dir);

    with_password.expect("the URL with the generated password connects");
    let refused = without_password.expect_err("no password, no connection");
    assert!(
        refused.to_string().contains("password"),
        "PostgreSQL asks for the password: {refused}"
    );
}
