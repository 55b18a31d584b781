from dashbench.cli import main

raise SystemExit(main())
