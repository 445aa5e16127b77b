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

/// Part size of multipart uploads: S3's smallest allowed part (but the last).
pub const PART_BYTES: usize = 5 * 1024 * 1024;
/// Parts uploading at once; bounds the memory of one upload to about this
/// many parts.
pub const PARTS_IN_FLIGHT: usize = 2;

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

    /// Stores a file without holding it whole: up to one part in a single
    /// put, larger ones as a multipart upload of `PART_BYTES` parts read
    /// from the file, at most `PARTS_IN_FLIGHT` buffered at a time.
    pub async fn put_file(
        &self,
        key: &str,
        path: &std::path::Path,
    ) -> Result<(), object_store::Error> {
        use tokio::io::AsyncReadExt;
        let io = |e: std::io::Error| object_store::Error::Generic {
            store: "upload",
            source: Box::new(e),
        };
        let mut file = tokio::fs::File::open(path).await.map_err(io)?;
        let len = file.metadata().await.map_err(io)?.len();
        if len <= PART_BYTES as u64 {
            let mut data = Vec::with_capacity(len as usize);
            file.read_to_end(&mut data).await.map_err(io)?;
            return self.put(key, data).await;
        }
        let upload = self.store.put_multipart(&ObjPath::from(key)).await?;
        let mut w = object_store::WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = match file.read(&mut buf).await {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    let _ = w.abort().await;
                    return Err(io(e));
                }
            };
            if let Err(e) = w.wait_for_capacity(PARTS_IN_FLIGHT).await {
                let _ = w.abort().await;
                return Err(e);
            }
            w.write(buf.get(..n).unwrap_or_default());
        }
        w.finish().await?;
        metrics::counter!("uploads_multipart_total").increment(1);
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
