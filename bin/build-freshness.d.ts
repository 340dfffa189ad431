export declare const repoRoot: string;
export declare const paths: {
  server: string;
  serverEntry: string;
  serverManifest: string;
  web: string;
  webIndex: string;
  dataDirTemplate: string;
  dataDirTemplateStamp: string;
};
export declare function newestMtime(path: string): number;
export declare function serverBuildIsFresh(): boolean;
export declare function webBuildIsFresh(): boolean;
export declare function installedPgliteVersion(): string | undefined;
export declare function dataDirTemplateIsFresh(): boolean;
