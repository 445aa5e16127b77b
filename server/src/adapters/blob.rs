//! Object storage through `object_store`: the local file system (embedded
//! default) or S3. Download links are presigned on S3 and HMAC-signed routes
//! served by us for the local store.

use object_store::path::Path as ObjPath;
use object_store::signer::Signer;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::sync::Arc;

#[derive(Clone)]
pub struct Blobs {
    pub store: Arc<dyn ObjectStore>,
    pub kind: &'static str,
    /// Presigns download links (S3); `None` for the local store.
    pub signer: Option<Arc<dyn Signer>>,
}

pub struct S3Settings<'a> {
    pub endpoint: &'a str,
    pub bucket: &'a str,
    pub region: &'a str,
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
}

pub fn upload_key(order_id: &str) -> String {
    format!("uploads/{order_id}.mpp")
}

pub fn result_key(order_id: &str) -> String {
    format!("results/{order_id}.xml")
}

impl Blobs {
    pub fn local(root: &std::path::Path) -> Result<Blobs, object_store::Error> {
        std::fs::create_dir_all(root).map_err(|e| object_store::Error::Generic {
            store: "local",
            source: Box::new(e),
        })?;
        let fs = object_store::local::LocalFileSystem::new_with_prefix(root)?;
        Ok(Blobs {
            store: Arc::new(fs),
            kind: "local",
            signer: None,
        })
    }

    /// Any S3-compatible server, by endpoint and keys (path-style requests).
    pub fn s3(s: &S3Settings<'_>) -> Result<Blobs, object_store::Error> {
        crate::init_tls();
        let s3 = object_store::aws::AmazonS3Builder::new()
            .with_endpoint(s.endpoint)
            .with_bucket_name(s.bucket)
            .with_region(s.region)
            .with_access_key_id(s.access_key_id)
            .with_secret_access_key(s.secret_access_key)
            .with_allow_http(s.endpoint.starts_with("http://"))
            .with_virtual_hosted_style_request(false)
            .build()?;
        let s3 = Arc::new(s3);
        Ok(Blobs {
            store: s3.clone(),
            kind: "s3",
            signer: Some(s3),
        })
    }

    /// A presigned GET valid for `ttl` (S3 only).
    pub async fn presign(
        &self,
        key: &str,
        ttl: std::time::Duration,
    ) -> Result<Option<String>, object_store::Error> {
        match &self.signer {
            Some(s) => Ok(Some(
                s.signed_url(reqwest::Method::GET, &ObjPath::from(key), ttl)
                    .await?
                    .to_string(),
            )),
            None => Ok(None),
        }
    }

    pub async fn put(&self, key: &str, data: Vec<u8>) -> Result<(), object_store::Error> {
        self.store
            .put(&ObjPath::from(key), PutPayload::from(data))
            .await?;
        Ok(())
    }

    pub async fn get(&self, key: &str) -> Result<bytes::Bytes, object_store::Error> {
        self.store.get(&ObjPath::from(key)).await?.bytes().await
    }

    pub async fn exists(&self, key: &str) -> Result<bool, object_store::Error> {
        match self.store.head(&ObjPath::from(key)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// A cheap round trip for /health.
    pub async fn check(&self) -> Result<(), object_store::Error> {
        self.put("health/probe", b"ok".to_vec()).await
    }
}
