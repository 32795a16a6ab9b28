// demo-verified-package: a package that ships an artifact (demo-project.tar.gz) and the
// in-toto supply chain that produced it, verified by its install hook (verify.js).
'use strict'
const path = require('node:path')
const { verifyPackage } = require('./verify.js')

module.exports = {
  /** The shipped artifact, verified when the package was installed. */
  artifactPath: path.join(__dirname, 'demo-project.tar.gz'),
  /** Verifies again (e.g. at start-up); returns the report (see verify.js). */
  verify: () => verifyPackage(__dirname).report,
}
